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
// strictly and checks every function. Paths are checked as relative to
// the repository root; environment files are neither read nor merged (Load
// does that). A returned error is an *Error listing every problem.
func Parse(data []byte, lookup Lookup) (*Stack, error) {
	s, _, ps := parse(data, lookup, ".")
	if err := ps.err(""); err != nil {
		return nil, err
	}
	return s, nil
}

// parse is Parse for a stack file in directory dir of the repository. It
// returns the stack only when there are no problems.
func parse(data []byte, lookup Lookup, dir string) (*Stack, *index, problems) {
	var ps problems
	if len(data) > MaxSize {
		ps.add(0, "", "the file is larger than %d bytes", MaxSize)
		return nil, nil, ps
	}
	text, err := substitute(string(data), lookup)
	if err != nil {
		ps.add(0, "", "variable substitution: %v", err)
		return nil, nil, ps
	}
	if len(text) > maxSubstituted {
		ps.add(0, "", "after variable substitution the file is larger than %d bytes", maxSubstituted)
		return nil, nil, ps
	}
	s, idx, ps := decode([]byte(text))
	if s == nil {
		return nil, nil, ps
	}
	s.Dir = dir
	validate(s, idx, &ps)
	if len(ps) > 0 {
		return nil, nil, ps
	}
	return s, idx, nil
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
// YAML cannot be read at all.
func decode(text []byte) (s *Stack, idx *index, ps problems) {
	defer func() {
		if r := recover(); r != nil {
			s, idx = nil, nil
			ps.add(0, "", "cannot read the YAML: %v", r)
		}
	}()
	var doc yaml.Node
	if err := unmarshalSafe(text, &doc); err != nil {
		ps = append(ps, syntaxProblem(text, err))
		return nil, nil, ps
	}
	if len(doc.Content) == 0 {
		ps.add(0, "", "the file is empty")
		return nil, nil, ps
	}
	// Before decoding, which would expand the aliases.
	if p, ok := checkAliases(&doc); !ok {
		return nil, nil, append(ps, p)
	}
	idx = newIndex(&doc)

	s = new(Stack)
	if err := strictDecode(text, s); err != nil {
		if errors.Is(err, io.EOF) {
			ps.add(0, "", "the file is empty")
		} else {
			ps = append(ps, yamlProblems(err, idx)...)
		}
		return nil, nil, ps
	}
	return s, idx, ps
}

// strictDecode decodes the first YAML document of text into v, refusing
// fields v does not have.
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
