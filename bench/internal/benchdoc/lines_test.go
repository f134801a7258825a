package benchdoc

import (
	"reflect"
	"testing"
)

func TestParseLines(t *testing.T) {
	out := "=== RUN TestX\n    x_test.go:9: BENCH one runs=5 p50=1.2\nnoise BENCHMARK\nFAULT other lost=0\nBENCH two\n"
	got := ParseLines(out, "BENCH")
	want := []Figures{{"one", map[string]string{"runs": "5", "p50": "1.2"}}, {"two", map[string]string{}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseLines = %+v, want %+v", got, want)
	}
}
