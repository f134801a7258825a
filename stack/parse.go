package stack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/drone/envsubst"
	"gopkg.in/yaml.v3"
)

// MaxSize is the largest stack or environment file read. Real stack files
// are a few kilobytes; the bound keeps a hostile one from costing much.
const MaxSize = 256 << 10

// maxSubstituted bounds the file once ${VAR}s are substituted: a file of
// MaxSize naming one long variable many times must not grow without end.
const maxSubstituted = 4 * MaxSize

// Parse reads a stack file from data. It first substitutes ${VAR} and
// ${VAR:-default} with lookup, as faas-cli does, then decodes the YAML
// and checks every function. Fields the file has and a stack file does
// not are ignored, as faas-cli ignores them, and listed in the stack's
// Warnings. Paths are checked as relative to the repository root;
// environment files are neither read nor merged (Load does that). A
// returned error is an *Error listing every problem.
func Parse(data []byte, lookup Lookup) (*Stack, error) {
	s, _, ps, ws := parse(data, lookup, ".")
	if s == nil {
		return nil, refusal(ps, ws, "")
	}
	s.Warnings = ws.list()
	return s, nil
}

// parse is Parse for a stack file in directory dir of the repository. It
// returns the stack only when there are no problems, and the warnings
// either way.
func parse(data []byte, lookup Lookup, dir string) (*Stack, *index, problems, warnings) {
	var ps problems
	if len(data) > MaxSize {
		ps.add(0, "", "the file is larger than %d bytes", MaxSize)
		return nil, nil, ps, nil
	}
	text, err := substitute(string(data), lookup)
	if err != nil {
		ps.add(0, "", "variable substitution: %v", err)
		return nil, nil, ps, nil
	}
	if len(text) > maxSubstituted {
		ps.add(0, "", "after variable substitution the file is larger than %d bytes", maxSubstituted)
		return nil, nil, ps, nil
	}
	s, idx, ps, ws := decode([]byte(text))
	if s == nil {
		return nil, nil, ps, ws
	}
	s.Dir = dir
	validate(s, idx, &ps, &ws)
	if len(ps) > 0 {
		return nil, nil, ps, ws
	}
	return s, idx, nil, ws
}

// refusal is the error of a stack file refused for ps. The unknown fields
// of the functions refused, and of the file when the file itself is, are
// listed with the problems: a misspelt field is the likeliest reason a
// field is missing ("handlr" for "handler").
func refusal(ps problems, ws warnings, file string) error {
	refused := map[string]bool{}
	for _, p := range ps {
		refused[p.Function] = true
	}
	for _, w := range ws.sorted() {
		if w.File == "" && refused[w.Function] {
			ps.add(w.Line, w.Function, "%s", w.Msg)
		}
	}
	return ps.err(file)
}

// substitute expands variables the way github.com/drone/envsubst does for
// faas-cli: an unset variable is empty, and $${X} is a literal ${X}.
func substitute(text string, lookup Lookup) (out string, err error) {
	if !strings.Contains(text, "$") {
		return text, nil
	}
	defer func() {
		// The substitution parser is not hardened against hostile input;
		// a panic there is a bad file, not a crash of the service.
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("malformed expression: %v", r)
		}
	}()
	return envsubst.Eval(text, func(name string) string {
		if lookup == nil {
			return ""
		}
		v, _ := lookup(name)
		return v
	})
}

// decode parses text into a Stack, returning nil and the problems when the
// YAML cannot be read at all, and the unknown fields as warnings.
func decode(text []byte) (s *Stack, idx *index, ps problems, ws warnings) {
	defer func() {
		if r := recover(); r != nil {
			s, idx = nil, nil
			ps.add(0, "", "cannot read the YAML: %v", r)
		}
	}()
	var doc yaml.Node
	if err := unmarshalSafe(text, &doc); err != nil {
		ps = append(ps, syntaxProblem(text, err))
		return nil, nil, ps, nil
	}
	if len(doc.Content) == 0 {
		ps.add(0, "", "the file is empty")
		return nil, nil, ps, nil
	}
	// Before decoding, which would expand the aliases.
	if p, ok := checkAliases(&doc); !ok {
		return nil, nil, append(ps, p), nil
	}
	idx = newIndex(&doc)

	s = new(Stack)
	if err := strictDecode(text, s); err != nil {
		if errors.Is(err, io.EOF) {
			ps.add(0, "", "the file is empty")
			return nil, nil, ps, nil
		}
		// yaml.v3 decodes everything it knows before it reports what it
		// does not: a stack with only unknown fields is complete.
		ps, ws = yamlProblems(err, idx)
		if len(ps) > 0 {
			return nil, nil, ps, ws
		}
	}
	return s, idx, nil, ws
}

// strictDecode decodes the first YAML document of text into v, reporting
// the fields v does not have (in a *yaml.TypeError, after decoding all
// the others), so that they can be warned about.
func strictDecode(text []byte, v any) (err error) {
	defer func() {
		// yaml.v3 has panicked on crafted input before; such input is a
		// bad file, not a reason to crash the service.
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot read the YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	return dec.Decode(v)
}
