package main

import (
	"testing"
	"time"
)

func TestSummariseAddsLineByLine(t *testing.T) {
	ms := func(d int) time.Duration { return time.Duration(d) * time.Millisecond }
	r := result{
		printed: 3,
		builder: map[int]time.Duration{1: ms(10), 2: ms(20), 3: ms(30)},
		live:    map[int]time.Duration{1: ms(110), 3: ms(300)},
	}
	s := summarise([]result{r})
	if s.printed != 3 || s.builder.N != 3 || s.live.N != 2 {
		t.Fatalf("counts: %+v", s)
	}
	if s.added.N != 2 || s.added.P50 != ms(100) || s.added.Max != ms(270) {
		t.Errorf("added = %+v, want 100ms and 270ms", s.added)
	}
}
