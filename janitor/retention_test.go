package janitor

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ofcbuild/ofc/pipeline"
)

const month = 30 * 24 * time.Hour

// buildLogs is acme/fns with six builds, one still running, and
// other/fns with one old build; ids count up with time.
func buildLogs() *logStore {
	ended := func(ago time.Duration) *time.Time { t := now.Add(-ago); return &t }
	return &logStore{builds: []*buildLog{
		{repo: "acme/fns", id: 1, ended: ended(40 * 24 * time.Hour)},
		{repo: "acme/fns", id: 2, ended: ended(31 * 24 * time.Hour)},
		{repo: "acme/fns", id: 3}, // stuck running since long ago
		{repo: "acme/fns", id: 4, ended: ended(20 * 24 * time.Hour)},
		{repo: "acme/fns", id: 5, ended: ended(10 * 24 * time.Hour)},
		{repo: "acme/fns", id: 6, ended: ended(time.Hour)},
		{repo: "other/fns", id: 7, ended: ended(40 * 24 * time.Hour)},
	}}
}

func newRetainer(t *testing.T, c Claimer, l Logs, maxAge time.Duration, keep int) *Janitor {
	t.Helper()
	return newWith(t, "@hourly", Config{Claimer: c, Logs: l, LogMaxAge: maxAge, LogKeepBuilds: keep, Name: "builder-0"})
}

func TestLogRetentionRemovesOldLogsAndThoseBeyondTheLatest(t *testing.T) {
	const (
		old    = "older than 30 days"
		beyond = "not among the repository's latest 2 builds"
	)
	for _, tc := range []struct {
		name    string
		maxAge  time.Duration
		keep    int
		calls   []string
		removed map[int64]string
	}{
		{name: "by age", maxAge: month, calls: []string{"finished before 2025-02-08"},
			removed: map[int64]string{1: old, 2: old, 7: old}},
		// Each repository counts its own builds: other/fns's one is kept.
		{name: "by count", keep: 2, calls: []string{"beyond latest 2"},
			removed: map[int64]string{1: beyond, 2: beyond, 4: beyond}},
		// Either rule removes a log; age goes first, and its reason stays.
		{name: "both", maxAge: month, keep: 2, calls: []string{"finished before 2025-02-08", "beyond latest 2"},
			removed: map[int64]string{1: old, 2: old, 7: old, 4: beyond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, l := newClaims(), buildLogs()
			j := newRetainer(t, c, l, tc.maxAge, tc.keep)
			j.runOnce(context.Background(), JobLogRetention, now.Add(300*time.Millisecond), j.removeLogs)

			if !reflect.DeepEqual(l.calls, tc.calls) {
				t.Errorf("store asked %q, want %q", l.calls, tc.calls)
			}
			if got := l.removed(); !maps.Equal(got, tc.removed) {
				t.Errorf("logs removed %v, want %v; the running build 3 and the latest ones keep theirs", got, tc.removed)
			}
			key := runKey(JobLogRetention, now)
			if failure, ok := c.finished[key]; c.won[key] != "builder-0" || !ok || failure != "" {
				t.Errorf("run %s claimed by %q, finished %v with %q; want claimed by builder-0 and finished without failure",
					key, c.won[key], ok, failure)
			}
		})
	}
}

// The store could not finish one rule: the other still runs, and the run
// is recorded as failed, naming what failed.
func TestLogRetentionFailureOfOneRuleLetsTheOtherRun(t *testing.T) {
	c, l := newClaims(), buildLogs()
	l.fail = map[string]error{"age": pipeline.Transient(errors.New("remove logs of builds finished before 2025-02-08: connection reset"))}
	j := newRetainer(t, c, l, month, 2)
	j.runOnce(context.Background(), JobLogRetention, now, j.removeLogs)

	if got := l.removed(); len(got) != 3 || got[4] == "" {
		t.Errorf("logs removed %v, want the count rule's three", got)
	}
	if failure := c.finished[runKey(JobLogRetention, now)]; !strings.Contains(failure, "connection reset") {
		t.Errorf("run recorded failure %q, want the age rule's error", failure)
	}
}

func TestLogRetentionConfig(t *testing.T) {
	every, _ := cron.ParseStandard("@hourly")
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{name: "no store", cfg: Config{Claimer: newClaims(), Schedule: every, LogMaxAge: month}},
		{name: "no schedule", cfg: Config{Claimer: newClaims(), Logs: buildLogs(), LogKeepBuilds: 200}},
		{name: "no claimer", cfg: Config{Logs: buildLogs(), Schedule: every, LogKeepBuilds: 200}},
		{name: "negative age", cfg: Config{Claimer: newClaims(), Logs: buildLogs(), Schedule: every, LogMaxAge: -time.Hour}},
		{name: "negative count", cfg: Config{Claimer: newClaims(), Logs: buildLogs(), Schedule: every, LogKeepBuilds: -1}},
	} {
		if _, err := New(tc.cfg); err == nil {
			t.Errorf("%s: New accepted %+v", tc.name, tc.cfg)
		}
	}
	// Logs kept forever need no store.
	if _, err := New(Config{Claimer: newClaims(), Schedule: every}); err != nil {
		t.Errorf("New without log retention: %v", err)
	}
}

// Two builders run both jobs on one schedule: at each time both jobs run,
// each once, neither held up by the other.
func TestBothJobsRunAtEachScheduledTime(t *testing.T) {
	c, p, g, logs := newClaims(), deployments(), &gateway{}, buildLogs()
	var js []*Janitor
	for _, name := range []string{"builder-0", "builder-1"} {
		js = append(js, newWith(t, "@every 1s", Config{Claimer: c, Previews: p, Remover: g, Logs: logs, TTL: week,
			LogMaxAge: month, LogKeepBuilds: 2, Name: name}))
	}
	runThreeTicks(t, js...)

	runs := map[string][]string{}
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.won {
		job, at, _ := strings.Cut(key, "@")
		runs[job] = append(runs[job], at)
		if _, ok := c.finished[key]; !ok {
			t.Errorf("run %s not finished when Run returned", key)
		}
	}
	slices.Sort(runs[JobStalePreviews])
	slices.Sort(runs[JobLogRetention])
	if len(runs[JobLogRetention]) < 3 || !slices.Equal(runs[JobStalePreviews], runs[JobLogRetention]) {
		t.Errorf("stale-preview runs at %v, log-retention runs at %v; want both at each of three or more times",
			runs[JobStalePreviews], runs[JobLogRetention])
	}
	if got := logs.removed(); len(got) != 4 {
		t.Errorf("logs removed %v, want the four the policy lets go", got)
	}
}

// A long run of one job keeps its own next run from starting in this
// builder, not the other job's.
func TestALongRunHoldsUpItsOwnJobOnly(t *testing.T) {
	c, l := newClaims(), buildLogs()
	j := newRetainer(t, c, l, month, 0)
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		j.runOnce(context.Background(), JobStalePreviews, now, func(context.Context) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	j.runOnce(context.Background(), JobLogRetention, now, j.removeLogs)
	j.runOnce(context.Background(), JobStalePreviews, now.Add(time.Hour), func(context.Context) error {
		t.Error("a second run of the stale-preview job started while the first was going")
		return nil
	})
	close(release)
	<-done

	if got := l.removed(); len(got) != 3 {
		t.Errorf("logs removed %v while the stale-preview job ran, want the three older than 30 days", got)
	}
	if _, ok := c.finished[runKey(JobLogRetention, now)]; !ok {
		t.Error("the log-retention run did not finish")
	}
}
