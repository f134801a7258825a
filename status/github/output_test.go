package github_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	status "github.com/ofcbuild/ofc/status/github"
)

func TestKeepTail(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		max      int
		want     string
	}{
		{"short", "exit status 1", 20, "exit status 1"},
		{"exactly max", "0123456789", 10, "0123456789"},
		{"cut", "0123456789", 8, "…56789"},
		{"no room for the mark", "0123456789", 2, ""},
		{"multi-byte cut", "ééééé", 8, "…éé"},
		{"cut never splits", "日本語", 5, "…"},
		{"invalid UTF-8", "a\xffb", 10, "a\uFFFDb"},
	} {
		got := status.KeepTail(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("%s: KeepTail(%q, %d) = %q, want %q", tt.name, tt.in, tt.max, got, tt.want)
		}
	}
}

// FuzzKeepTail checks on any text, such as a build's output, that the
// result fits, is valid UTF-8, and ends as the text did.
func FuzzKeepTail(f *testing.F) {
	for _, s := range []string{"", "exit status 1", "ééé", "日本語テキスト", "a\xffb\xc3"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		got := status.KeepTail(s, max)
		valid := strings.ToValidUTF8(s, "\uFFFD")
		if len(got) > max || !utf8.ValidString(got) {
			t.Fatalf("KeepTail(%q, %d) = %q: %d bytes, valid %v", s, max, got, len(got), utf8.ValidString(got))
		}
		if tail := strings.TrimPrefix(got, "…"); !strings.HasSuffix(valid, tail) || (got != valid && !strings.HasPrefix(got, "…") && got != "") {
			t.Fatalf("KeepTail(%q, %d) = %q, not a marked tail of the text", s, max, got)
		}
	})
}
