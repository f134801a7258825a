package janitor

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func TestSchedulesNameTheSameTimesInEveryBuilder(t *testing.T) {
	base := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		spec string
		// Two builders started these offsets after base ask for their
		// first run.
		started [2]time.Duration
		want    time.Time
	}{
		{"@every 1s", [2]time.Duration{100 * time.Millisecond, 900 * time.Millisecond}, base.Add(time.Second)},
		{"@every 90s", [2]time.Duration{10 * time.Second, 80 * time.Second}, base.Add(90 * time.Second)},
		{"@every 10m", [2]time.Duration{time.Minute, 9 * time.Minute}, base.Add(10 * time.Minute)},
		{"@hourly", [2]time.Duration{time.Minute, 59 * time.Minute}, base.Add(time.Hour)},
		{"0 3 * * *", [2]time.Duration{time.Minute, 14 * time.Hour}, base.Add(15 * time.Hour)},
	} {
		s, err := cron.ParseStandard(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, after := range tc.started {
			if got := aligned(s).Next(base.Add(after)); !got.Equal(tc.want) {
				t.Errorf("%s: a builder started at +%v runs first at %v, want %v", tc.spec, after, got, tc.want)
			}
		}
	}
}

func TestTrackedSaysWhichTimeWokeTheJob(t *testing.T) {
	s := &tracked{Schedule: alignedEvery{time.Minute}}
	start := time.Date(2025, 3, 10, 12, 0, 20, 0, time.UTC)
	first := s.Next(start) // 12:01, asked at start
	if got := s.due(start); !got.Equal(start) {
		t.Errorf("before any run, due = %v, want now", got)
	}
	// Cron wakes a little late, starts the job, and asks for the next
	// time, maybe before the job asks which time woke it.
	woke := first.Add(3 * time.Millisecond)
	s.Next(woke)
	if got := s.due(woke.Add(time.Millisecond)); !got.Equal(first) {
		t.Errorf("job woken at %v: due = %v, want %v", woke, got, first)
	}
	for range 10 {
		s.Next(woke)
	}
	if len(s.given) > keep {
		t.Errorf("remembers %d times", len(s.given))
	}
}
