package gitlab

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"short", "build succeeded", "build succeeded"},
		{"exactly the limit", strings.Repeat("a", 255), strings.Repeat("a", 255)},
		{"one over", strings.Repeat("a", 256), strings.Repeat("a", 254) + "…"},
		{"multi-byte at the limit", strings.Repeat("é", 255), strings.Repeat("é", 255)},
		{"multi-byte over", strings.Repeat("日本", 200), strings.Repeat("日本", 127) + "…"},
		{"cut after a space", strings.Repeat("a", 253) + " bcd", strings.Repeat("a", 253) + "…"},
		{"invalid UTF-8", "bad \xff byte", "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Truncate(tt.in); got != tt.want {
				t.Errorf("Truncate() = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzTruncate checks that any description, such as a compiler's output,
// leaves as valid UTF-8 within GitLab's limit, unchanged when it fits.
func FuzzTruncate(f *testing.F) {
	f.Add("build failed: undefined: foo")
	f.Add(strings.Repeat("ünïcödé ", 40))
	f.Add("bad \xff byte")
	f.Fuzz(func(t *testing.T, s string) {
		got := Truncate(s)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > MaxDescription {
			t.Fatalf("Truncate(%q) = %q: %d characters, valid %v", s, got, utf8.RuneCountInString(got), utf8.ValidString(got))
		}
		if utf8.ValidString(s) && utf8.RuneCountInString(s) <= MaxDescription && got != s {
			t.Fatalf("Truncate(%q) = %q, want it unchanged", s, got)
		}
	})
}
