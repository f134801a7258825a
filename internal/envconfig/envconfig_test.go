package envconfig

import (
	"strings"
	"testing"
	"time"
)

func TestReader(t *testing.T) {
	r := New(Map(map[string]string{
		"D": "90s", "I": "3", "B": "true", "P": "a/b=mobile.yml, c/d=x.yml",
		"BAD_D": "soon", "BAD_P": "a/b",
	}))
	if r.Duration("D", 0) != 90*time.Second || r.Int("I", 0) != 3 || !r.Bool("B", false) ||
		r.String("UNSET", "def") != "def" {
		t.Error("values not read")
	}
	if p := r.Pairs("P"); p["a/b"] != "mobile.yml" || p["c/d"] != "x.yml" {
		t.Errorf("pairs %v", p)
	}
	if r.Err() != nil {
		t.Fatalf("unexpected error %v", r.Err())
	}
	r.Duration("BAD_D", 0)
	r.Pairs("BAD_P")
	r.Required("MISSING", "needed")
	err := r.Err()
	for _, want := range []string{"BAD_D", "BAD_P", "MISSING is required"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}
