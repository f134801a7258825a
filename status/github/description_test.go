package github

import (
	"strings"
	"testing"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"short", "Build succeeded", "Build succeeded"},
		{"exactly the limit", strings.Repeat("a", 140), strings.Repeat("a", 140)},
		{"one over", strings.Repeat("a", 141), strings.Repeat("a", 139) + "…"},
		{"multi-byte at the limit", strings.Repeat("é", 140), strings.Repeat("é", 140)},
		{"multi-byte over", strings.Repeat("日本", 100), strings.Repeat("日本", 69) + "日…"},
		{"cut after a space", strings.Repeat("a", 138) + " bcd", strings.Repeat("a", 138) + "…"},
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
