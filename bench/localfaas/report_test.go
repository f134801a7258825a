package main

import (
	"testing"
	"time"
)

// The figures themselves are benchdoc's; this checks that the table's
// columns take the right ones.
func TestNewStats(t *testing.T) {
	m := time.Millisecond
	got := newStats([]time.Duration{10 * m, 1 * m, 9 * m, 2 * m, 8 * m, 3 * m, 7 * m, 4 * m, 6 * m, 5 * m})
	want := stats{median: 5500 * time.Microsecond, p90: 9 * m, min: m, max: 10 * m}
	if got != want {
		t.Errorf("newStats = %+v, want %+v", got, want)
	}
	if got := newStats(nil); got != (stats{}) {
		t.Errorf("newStats(nil) = %+v, want zeros", got)
	}
}
