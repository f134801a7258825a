package stack

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// A corpus of stack files that must be refused, each with the error a user
// reads, and a few close to them that must be accepted. Cases are grouped
// in families (bombs, size and depth here; shape and names, values in the
// other corpus files); the families' sizes are asserted so that a lost
// family fails.

// corpusCase is a stack file and what Parse must say of it: the error's
// lines in order, or nil when it is accepted.
type corpusCase struct {
	name string
	src  string
	want []string
}

// fnHead is a function that parses, for cases to add one field to.
const fnHead = "functions:\n  api:\n    lang: go\n    handler: ./api\n"

// aliasBomb nests levels of anchors, each a list of fan aliases of the
// one before: fan^levels values in a file of a few hundred bytes. The
// anchors are written under the key "x", then used by tail.
func aliasBomb(levels, fan int, merge bool, tail string) string {
	var b strings.Builder
	b.WriteString("functions:\n  x0: &a0 {a: b}\n")
	for i := 1; i <= levels; i++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), fan), ", ")
		if merge {
			fmt.Fprintf(&b, "  x%d: &a%d {<<: [%s]}\n", i, i, refs)
		} else {
			fmt.Fprintf(&b, "  x%d: &a%d [%s]\n", i, i, refs)
		}
	}
	return b.String() + tail
}

// laughs is the classic "billion laughs": ten levels of ten aliases of
// the level before, under keys the stack file does not have.
func laughs() string {
	var b strings.Builder
	b.WriteString("lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "lol%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	return b.String() + fnHead + "    secrets: *l9\n"
}

func nested(open, close string, n int) string {
	return strings.Repeat(open, n) + "x" + strings.Repeat(close, n)
}

// blockNested is a labels map nested n levels deep in block style.
func blockNested(n int) string {
	var b strings.Builder
	b.WriteString(fnHead + "    labels:\n")
	for i := range n {
		b.WriteString(strings.Repeat(" ", 6+i) + "k:\n")
	}
	b.WriteString(strings.Repeat(" ", 6+n) + "v\n")
	return b.String()
}

const bombAlias = "and the aliases in it expand the file by more than 100000 values: use fewer aliases of aliases"

var bombCases = []corpusCase{
	{"billion laughs", laughs(), []string{`line 15: alias *l9 ` + bombAlias}},
	{"merge keys of merge keys", aliasBomb(11, 10, true, ""), []string{`line 13: alias *a10 ` + bombAlias}},
	{"merge bomb used by a function", aliasBomb(9, 10, true, "  api:\n    lang: go\n    handler: ./api\n    labels: *a9\n"),
		[]string{`line 15: alias *a9 ` + bombAlias}},
	{"lists of lists", aliasBomb(9, 10, false, ""), []string{`line 11: alias *a8 ` + bombAlias}},
	// Sizes stop growing at 2^40, where *a38 is the first to get.
	{"two aliases a level, forty levels", aliasBomb(40, 2, true, ""), []string{`line 41: alias *a38 ` + bombAlias}},
	{"one wide anchor aliased many times", "functions:\n  x: &w [" + strings.Repeat("a, ", 2000) + "a]\n  y: [" +
		strings.TrimSuffix(strings.Repeat("*w, ", 60), ", ") + "]\n", []string{`line 3: alias *w ` + bombAlias}},
	{"bomb on one line", "{x: &a [a,a,a,a,a,a,a,a,a,a], y: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], z: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], " +
		"w: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], v: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d], u: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]}\n",
		[]string{`line 1: alias *e ` + bombAlias}},
	{"alias to its own list", "a: &a [*a]\n" + fnHead, []string{`line 1: alias *a is inside the anchor &a it refers to: the file would never end`}},
	{"functions contain themselves", "functions: &f\n  api: *f\n", []string{`line 2: alias *f is inside the anchor &f it refers to: the file would never end`}},
	{"a function merges itself", "functions:\n  api: &a\n    <<: *a\n    lang: go\n", []string{`line 3: alias *a is inside the anchor &a it refers to: the file would never end`}},
	{"cycle two levels down", "functions: &f\n  api:\n    lang: go\n    handler: ./api\n    labels: *f\n",
		[]string{`line 5: alias *f is inside the anchor &f it refers to: the file would never end`}},
	{"unknown anchor", fnHead + "    labels: *nope\n", []string{`line 5: invalid YAML: unknown anchor 'nope' referenced`}},
	{"anchors used as faas-cli files use them", "functions:\n  api: &base\n    lang: go\n    handler: ./api\n    labels: &l {team: a}\n" +
		"  worker:\n    <<: *base\n    handler: ./worker\n    annotations: *l\n", nil},
}

var sizeCases = []corpusCase{
	{"40 MiB", fnHead + "#" + strings.Repeat("x", 40<<20), []string{"the file is larger than 262144 bytes"}},
	{"one byte over the limit", fnHead + "#" + strings.Repeat("x", MaxSize-len(fnHead)), []string{"the file is larger than 262144 bytes"}},
	{"at the limit", fnHead + "#" + strings.Repeat("x", MaxSize-len(fnHead)-2) + "\n", nil},
	{"a variable that grows the file", fnHead + "    labels:\n" + strings.Repeat("      ${BIG}: x\n", 10), []string{"after variable substitution the file is larger than 1048576 bytes"}},
}

var depthCases = []corpusCase{
	{"100000 nested flow lists", nested("[", "]", 100000), []string{"line 1: invalid YAML: exceeded max depth of 10000"}},
	{"20000 nested flow maps", fnHead + "    labels: " + nested("{a: ", "}", 20000) + "\n", []string{"line 5: invalid YAML: exceeded max depth of 10000"}},
	{"100000 nested block lists", strings.Repeat("- ", 100000) + "x\n", []string{"line 1: invalid YAML: exceeded max depth of 10000"}},
	{"5000 nested flow maps in labels", fnHead + "    labels: " + nested("{a: ", "}", 5000) + "\n", []string{`line 5: function "api": labels: expected a string, found a map`}},
	{"9000 nested lists in secrets", fnHead + "    secrets: " + nested("[", "]", 9000) + "\n", []string{`line 5: function "api": secrets: expected a string, found a list`}},
	{"600 nested block maps in labels", blockNested(600), []string{`line 7: function "api": labels: expected a string, found a map`}},
	// The unknown field is listed with the problem it may explain.
	{"a function nested in itself 3000 times", "functions:\n  api: " + nested("{api: ", "}", 3000) + "\n", []string{
		`line 2: function "api": neither "lang" nor "image" is set: name the template to build the function with ("lang: go" and "handler: ./api"), or the image to deploy as it is ("image: ghcr.io/me/api:1.0")`,
		`line 2: function "api": unknown field "api" is ignored`}},
}

// corpusFamilies are the families of cases and how many each holds at
// least.
var corpusFamilies = []struct {
	name  string
	cases []corpusCase
	min   int
}{
	{"bombs and cycles", bombCases, 13},
	{"size", sizeCases, 4},
	{"depth", depthCases, 7},
	{"shape", shapeCases, 30},
	{"names", nameCases, 14},
	{"values", valueCases, 22},
}

// corpusLookup sets BIG to a value that makes the file grow past the
// substitution limit.
func corpusLookup(name string) (string, bool) {
	if name == "BIG" {
		return strings.Repeat("b", 200<<10), true
	}
	return "", false
}

// TestCorpus parses every case and checks its error, line by line, and
// that even the largest refusals stay within a bounded memory: a file
// that expands or nests is refused for what it is, not after it has
// grown.
func TestCorpus(t *testing.T) {
	total := 0
	for _, fam := range corpusFamilies {
		if len(fam.cases) < fam.min {
			t.Errorf("family %s has %d cases, want at least %d", fam.name, len(fam.cases), fam.min)
		}
		total += len(fam.cases)
		for _, c := range fam.cases {
			t.Run(fam.name+"/"+c.name, func(t *testing.T) {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				s, err := parseNoPanic([]byte(c.src))
				runtime.ReadMemStats(&after)
				// Parsing a 256 KiB file costs some tens of MiB; expanding
				// a bomb would cost gigabytes.
				if used := after.TotalAlloc - before.TotalAlloc; used > 128<<20 {
					t.Errorf("parsing took %d MiB", used>>20)
				}
				check(t, s, err, c.want)
			})
		}
	}
	if total < 90 {
		t.Errorf("%d stack corpus cases, want at least 90", total)
	}
}

func parseNoPanic(data []byte) (s *Stack, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("Parse panicked: %v", r)
		}
	}()
	return Parse(data, corpusLookup)
}

// check compares Parse's result with want, the error's lines, or nil for
// a stack accepted.
func check(t *testing.T, s *Stack, err error, want []string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		if len(s.Functions) == 0 {
			t.Fatal("accepted without functions")
		}
		return
	}
	if err == nil {
		t.Fatalf("accepted %d functions, want\n%s", len(s.Functions), strings.Join(want, "\n"))
	}
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("error %T %q is not an *Error", err, err)
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("error =\n%s\nwant\n%s", err, strings.Join(want, "\n"))
	}
}
