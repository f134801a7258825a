package main

import (
	"strings"
	"testing"
	"time"
)

func TestNewStats(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		ds := make([]time.Duration, len(ns))
		for i, n := range ns {
			ds[i] = time.Duration(n) * time.Millisecond
		}
		return ds
	}
	tests := []struct {
		name string
		in   []time.Duration
		want stats
	}{
		{"none", nil, stats{}},
		{"one", ms(7), stats{7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond}},
		{"even count averages the middle", ms(4, 1, 3, 2), stats{2500 * time.Microsecond, 4 * time.Millisecond, time.Millisecond, 4 * time.Millisecond}},
		{"fifteen runs: p90 is the 14th", ms(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1),
			stats{8 * time.Millisecond, 14 * time.Millisecond, time.Millisecond, 15 * time.Millisecond}},
		{"ten runs: p90 is the 9th", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
			stats{5500 * time.Microsecond, 9 * time.Millisecond, time.Millisecond, 10 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newStats(tt.in); got != tt.want {
				t.Errorf("newStats = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReplaceSection(t *testing.T) {
	section := beginMark + "\nnew figures\n" + endMark + "\n"
	other := "# Benchmarks\n\n<!-- webhook-bench:begin -->\nwebhook\n<!-- webhook-bench:end -->\n\nNotes.\n"
	tests := []struct {
		name, in, want string
	}{
		{"empty file", "", "# Benchmarks\n\n" + section},
		{"appended after the other sections", other, other + "\n" + section},
		{"replaced in place", other + "\n" + beginMark + "\nold\n" + endMark + "\nAfter.\n", other + "\n" + section + "After.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := replaceSection(tt.in, section)
			if got != tt.want {
				t.Errorf("replaceSection:\n got %q\nwant %q", got, tt.want)
			}
			if again := replaceSection(got, section); again != got {
				t.Errorf("a second rewrite changed the file:\n%q", again)
			}
			if strings.Count(got, beginMark) != 1 {
				t.Errorf("want one section, got %d", strings.Count(got, beginMark))
			}
		})
	}
}
