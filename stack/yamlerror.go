package stack

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	lineRe    = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownRe = regexp.MustCompile(`^field (.*) not found in type (\S+)$`)
	typeRe    = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
)

// syntaxProblem reports a YAML syntax error at the line where the file
// stops being valid YAML. yaml.v3 names the line where the enclosing block
// starts, which for a mis-indented key deep in a file is line 1; the first
// prefix of the file that fails with the same message is found by
// bisection instead.
func syntaxProblem(text []byte, err error) Problem {
	p := firstProblem(err)
	var ends []int // ends[k] is the length of the first k+1 lines
	for i, c := range text {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(text) {
		ends = append(ends, len(text))
	}
	same := func(k int) bool {
		var n yaml.Node
		err := unmarshalSafe(text[:ends[k]], &n)
		return err != nil && firstProblem(err).Msg == p.Msg
	}
	lo, hi := 0, len(ends)-1
	if !same(hi) {
		return p
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if same(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo+1 > p.Line {
		p.Line = lo + 1
	}
	return p
}

func unmarshalSafe(text []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot read the YAML: %v", r)
		}
	}()
	return yaml.Unmarshal(text, v)
}

// firstProblem is the first problem of a syntax error, which yaml.v3
// reports one of.
func firstProblem(err error) Problem {
	if ps, _ := yamlProblems(err, nil); len(ps) > 0 {
		return ps[0]
	}
	return Problem{Msg: err.Error()}
}

// yamlProblems turns a yaml.v3 error into problems that name the line, the
// function and the field, in the stack file's terms rather than Go's. The
// decoder is strict so that it names unknown fields; faas-cli's is not, so
// those are warnings, not problems.
func yamlProblems(err error, idx *index) (problems, warnings) {
	var ps problems
	var ws warnings
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if m := lineRe.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		ps.add(line, "", "invalid YAML: %s", msg)
		return ps, nil
	}
	for _, e := range te.Errors {
		m := lineRe.FindStringSubmatch(e)
		if m == nil {
			ps.add(0, "", "%s", e)
			continue
		}
		line, _ := strconv.Atoi(m[1])
		msg := m[2]
		fn, field := idx.at(line)
		if u := unknownRe.FindStringSubmatch(msg); u != nil {
			ws.add(unknownField(line, fn, field, u[1], u[2]))
			continue
		}
		if t := typeRe.FindStringSubmatch(msg); t != nil {
			msg = "expected " + goTypeName(t[3]) + ", found " + yamlKindName(t[1])
			if t[2] != "" {
				msg += " " + strconv.Quote(t[2])
			}
		}
		if field != "" {
			msg = field + ": " + msg
		}
		ps.add(line, fn, "%s", msg)
	}
	return ps, ws
}

func goTypeName(t string) string {
	switch t {
	case "stack.Stack":
		return "a stack file (a map with \"functions\")"
	case "map[string]stack.Function":
		return "a map of functions"
	case "stack.Function":
		return "a function (a map with lang, handler, ...)"
	case "map[string]string":
		return "a map of strings"
	case "[]string":
		return "a list of strings"
	case "[]stack.TemplateSource":
		return "a list of templates"
	case "stack.Resources":
		return "a map with memory and cpu"
	case "stack.Provider", "stack.Configuration", "stack.TemplateSource":
		return "a map"
	case "bool":
		return "true or false"
	}
	return "a " + t
}

func yamlKindName(k string) string {
	switch k {
	case "seq":
		return "a list"
	case "map":
		return "a map"
	case "str":
		return "the string"
	case "int", "float":
		return "the number"
	case "bool":
		return "the boolean"
	case "null":
		return "null"
	}
	return k
}
