package stack

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// validateValues checks the function's maps whose keys and values leave
// the service as text another program parses: build arguments become
// BuildKit frontend options ("build-arg:KEY=value") and Dockerfile ARGs,
// labels and annotations end up in container metadata and headers, the
// environment in the process's environ. A newline or NUL there could
// smuggle in another option, header or variable, so it is refused, not
// passed on.
func validateValues(fn Function, idx *index, ps *problems) {
	for _, f := range []struct {
		field string
		m     map[string]string
		rule  entryRule
	}{
		{"build_args", fn.BuildArgs, buildArgRule},
		{"labels", fn.Labels, metadataRule},
		{"annotations", fn.Annotations, metadataRule},
		{"environment", fn.Environment, environmentRule},
	} {
		line := idx.fieldLine(fn.Name, f.field)
		for _, k := range slices.Sorted(maps.Keys(f.m)) {
			if msg := f.rule.problem(f.field, k, f.m[k]); msg != "" {
				ps.add(line, fn.Name, "%s", msg)
			}
		}
	}
}

// entryRule is what the keys and values of one of a function's maps may
// hold.
type entryRule struct {
	// key says what else is wrong with a key, "" when nothing is.
	key func(string) string
	// oneLine refuses every control character in a value, not only NUL.
	oneLine bool
}

var (
	buildArgRule = entryRule{oneLine: true, key: func(k string) string {
		if strings.ContainsAny(k, "= ") {
			return `a build argument's name cannot hold "=" or spaces`
		}
		return ""
	}}
	metadataRule = entryRule{oneLine: true}
	// An environment value may span lines (a certificate, say), but no
	// environment can hold a NUL, and "=" ends a variable's name.
	environmentRule = entryRule{key: func(k string) string {
		if strings.Contains(k, "=") {
			return `a variable's name cannot hold "="`
		}
		return ""
	}}
)

// problem says what is wrong with the entry k: v of field, "" when
// nothing is.
func (r entryRule) problem(field, k, v string) string {
	if k == "" {
		return field + ": a key cannot be empty"
	}
	if c := control(k, true); c != "" {
		return fmt.Sprintf("%s key %q holds %s: use printable text", field, k, c)
	}
	if r.key != nil {
		if msg := r.key(k); msg != "" {
			return fmt.Sprintf("%s key %q: %s", field, k, msg)
		}
	}
	if c := control(v, r.oneLine); c != "" {
		if r.oneLine {
			return fmt.Sprintf("%s %q: the value holds %s: use one line of printable text", field, k, c)
		}
		return fmt.Sprintf("%s %q: the value holds %s", field, k, c)
	}
	return ""
}

// control names the first character of s that a line of text should not
// hold: any control character (and the Unicode line separators) when
// oneLine, else only NUL. It returns "" when there is none.
func control(s string, oneLine bool) string {
	for _, r := range s {
		switch {
		case r == 0:
			return "a NUL byte"
		case !oneLine:
		case r == '\n':
			return `a newline (\n)`
		case r == '\r':
			return `a carriage return (\r)`
		case r == '\t':
			return `a tab (\t)`
		case r == '\u2028' || r == '\u2029' || unicode.IsControl(r):
			return fmt.Sprintf("the control character %U", r)
		}
	}
	return ""
}
