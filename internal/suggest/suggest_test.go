package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"handler", "handler", 0},
		{"handlr", "handler", 1},
		{"hadnler", "handler", 1}, // a swap of neighbours is one typo
		{"node", "node20", 2},
		{"", "lang", 4},
		{"x", string(make([]byte, 65)), 66},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
