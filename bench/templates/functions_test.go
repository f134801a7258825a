package main

import (
	"go/format"
	"maps"
	"slices"
	"strings"
	"testing"
)

// A rebuild measures a one-line change: two versions of a handler differ
// in one line of one file.
func TestVersionsDifferByOneLine(t *testing.T) {
	for _, f := range functions {
		a, b := f.files("version 1"), f.files("version 2")
		if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
			t.Errorf("%s: the two versions have other files", f.lang)
			continue
		}
		changed := 0
		for name := range a {
			la, lb := strings.Split(a[name], "\n"), strings.Split(b[name], "\n")
			if len(la) != len(lb) {
				t.Errorf("%s: %s has %d lines in one version, %d in the other", f.lang, name, len(la), len(lb))
			}
			for i := range min(len(la), len(lb)) {
				if la[i] != lb[i] {
					changed++
				}
			}
		}
		if changed != 1 {
			t.Errorf("%s: %d lines differ between two versions, want 1", f.lang, changed)
		}
	}
}

// The Go templates fail a build whose code gofmt would change.
func TestGoHandlersAreFormatted(t *testing.T) {
	for _, f := range functions {
		for name, src := range f.files("version 1") {
			if !strings.HasSuffix(name, ".go") {
				continue
			}
			formatted, err := format.Source([]byte(src))
			if err != nil {
				t.Errorf("%s: %s: %v", f.lang, name, err)
			} else if string(formatted) != src {
				t.Errorf("%s: %s is not gofmt'd:\n%s", f.lang, name, formatted)
			}
		}
	}
}

func TestEveryShippedTemplateHasAHandler(t *testing.T) {
	if err := everyShippedTemplateHasAHandler(); err != nil {
		t.Error(err)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-runs", "2", "-templates", "node20, go"})
	if err != nil || o.runs != 2 || !slices.Equal(o.langs, []string{"node20", "go"}) {
		t.Errorf("parseFlags = %+v, %v", o, err)
	}
	if o, err := parseFlags(nil); err != nil || !slices.Equal(o.langs, langNames()) {
		t.Errorf("by default: %v, %v; want every template", o.langs, err)
	}
	for _, args := range [][]string{{"-runs", "0"}, {"-templates", "cobol"}, {"-templates", ","}} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q): no error", args)
		}
	}
}
