package pipeline

import (
	"strings"
	"testing"
)

func TestValidBranch(t *testing.T) {
	for name, want := range map[string]bool{
		"main": true, "feature/login": true, "release-1.2": true, "fix_é": true, "v1.0": true,
		"": false, "@": false, "-x": false, "a..b": false, "a/": false, "a.": false, "/a": false,
		"a//b": false, ".hidden": false, "a/.b": false, "x.lock": false, "a/x.lock/b": false,
		"a b": false, "a~1": false, "a^": false, "a:b": false, "a?": false, "a*": false,
		"a[b": false, `a\b`: false, "a@{1}": false, "a\x00": false, "a\tb": false, "a\x7f": false,
		strings.Repeat("b", 256): false,
	} {
		if got := ValidBranch(name); got != want {
			t.Errorf("ValidBranch(%q) = %v, want %v", name, got, want)
		}
	}
}
