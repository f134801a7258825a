package main

import (
	"bytes"
	"testing"
	"time"
)

func TestParseMark(t *testing.T) {
	printed := time.Unix(1795480938, 406552000)
	tests := []struct {
		name, text string
		want       mark
		ok         bool
	}{
		{"plain progress line", "#5 0.049 livelog abc123 1 1795480938 406552", mark{1, printed}, true},
		{"bare line, as the RUN step printed it", "livelog abc123 17 1795480938 406552", mark{17, printed}, true},
		{"microseconds keep their leading zeros' meaning", "#5 livelog abc123 2 1795480938 000042", mark{2, time.Unix(1795480938, 42000)}, true},
		{"the RUN command's own text", `#5 [2/2] RUN i=0; ... printf "livelog %s %s %s %s\n", n, i, s, u}'`, mark{}, false},
		{"another build's nonce", "#5 0.049 livelog zzz999 1 1795480938 406552", mark{}, false},
		{"a field missing", "#5 0.049 livelog abc123 1 1795480938", mark{}, false},
		{"a field too many", "#5 0.049 livelog abc123 1 1795480938 406552 x", mark{}, false},
		{"not numbers", "#5 0.049 livelog abc123 one 1795480938 406552", mark{}, false},
		{"microseconds out of range", "#5 0.049 livelog abc123 1 1795480938 1000000", mark{}, false},
		{"line zero", "#5 0.049 livelog abc123 0 1795480938 406552", mark{}, false},
		{"an ordinary line", "#5 DONE 0.3s", mark{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseMark(tt.text, "abc123")
			if ok != tt.ok || got.n != tt.want.n || !got.printed.Equal(tt.want.printed) {
				t.Errorf("parseMark = %+v, %t; want %+v, %t", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestArrivalsKeepTheFirstArrivalOfALine(t *testing.T) {
	a := newArrivals("n1")
	a.add("livelog n1 3 100 250000", time.Unix(100, 400000000))
	a.add("livelog n1 3 100 250000", time.Unix(101, 0))
	a.add("#7 an unmarked line", time.Unix(102, 0))
	got := a.lags()
	if len(got) != 1 || got[3] != 150*time.Millisecond {
		t.Errorf("lags = %v, want line 3 at 150ms only", got)
	}
}

func TestTapNotesLinesSplitAcrossWritesAndPassesEverythingOn(t *testing.T) {
	a := newArrivals("n1")
	var next bytes.Buffer
	w := &tap{next: &next, at: a}
	in := []string{"#5 0.1 livelog n1 1 100 0\n#5 0.2 liv", "elog n1 2 100 ", "0\n#5 DONE 0.3s\n"}
	for _, p := range in {
		if n, err := w.Write([]byte(p)); err != nil || n != len(p) {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	if want := in[0] + in[1] + in[2]; next.String() != want {
		t.Errorf("passed on %q, want %q", next.String(), want)
	}
	if got := a.lags(); len(got) != 2 {
		t.Errorf("noted lines %v, want 1 and 2", got)
	}
}
