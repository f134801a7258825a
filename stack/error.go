package stack

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is a stack file that cannot be used. It lists every problem found,
// one a line, so that a user fixes them all in one push.
type Error struct {
	// File is the stack file's name; empty when parsed from bytes.
	File     string
	Problems []Problem
}

// Problem is one thing wrong with a stack file.
type Problem struct {
	// Line is 1-based; 0 when the problem has no line of its own.
	Line int
	// Function is the function the problem belongs to, if any.
	Function string
	Msg      string
}

// Error formats the problems like a compiler does:
// "stack.yml:7: function "api": unknown field "lnag"".
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.format(e.File)
	}
	return strings.Join(lines, "\n")
}

func (p Problem) format(file string) string {
	var b strings.Builder
	switch {
	case file != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", file, p.Line)
	case file != "":
		b.WriteString(file + ": ")
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Function != "" {
		fmt.Fprintf(&b, "function %q: ", p.Function)
	}
	b.WriteString(p.Msg)
	return b.String()
}

// problems collects Problems and turns them into an *Error.
type problems []Problem

func (ps *problems) add(line int, fn, format string, args ...any) {
	*ps = append(*ps, Problem{Line: line, Function: fn, Msg: fmt.Sprintf(format, args...)})
}

// maxProblems is how many problems an Error lists; a file with more is
// broken in some wholesale way that the first ones show.
const maxProblems = 30

// err returns nil when there are no problems, else an *Error with the
// problems in file order.
func (ps problems) err(file string) error {
	if len(ps) == 0 {
		return nil
	}
	sorted := slices.Clone([]Problem(ps))
	slices.SortStableFunc(sorted, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Function, b.Function))
	})
	if n := len(sorted) - maxProblems; n > 0 {
		sorted = append(sorted[:maxProblems], Problem{Msg: fmt.Sprintf("and %d more problems", n)})
	}
	return &Error{File: file, Problems: sorted}
}
