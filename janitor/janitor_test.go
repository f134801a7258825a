package janitor

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ofcbuild/ofc/pipeline"
)

const week = 7 * 24 * time.Hour

var now = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// deployments is a repository with two previews of feature/x untouched
// for eight days, a preview pushed an hour ago, and production.
func deployments() *previews {
	dep := func(name, branch string, build int64, age time.Duration) *record {
		return &record{Deployed: pipeline.Deployed{DeployName: name, Function: strings.Split(name, "-")[2],
			Branch: branch, Preview: branch != "main", BuildID: build, DeployedAt: now.Add(-age)}}
	}
	return &previews{
		records: []*record{
			dep("acme-fns-hello-feature-x-1", "feature/x", 10, 8*24*time.Hour),
			dep("acme-fns-greet-feature-x-2", "feature/x", 10, 8*24*time.Hour),
			dep("acme-fns-hello-fresh-3", "fresh", 12, time.Hour),
			dep("acme-fns-hello-4", "main", 1, 30*24*time.Hour),
		},
		images: map[string][]pipeline.PrunableImage{
			"feature/x": {{Image: "reg/acme/fns/hello:x", Digest: "sha256:1"}, {Image: "reg/acme/fns/greet:x", Digest: "sha256:2"}},
			"fresh":     {{Image: "reg/acme/fns/hello:f", Digest: "sha256:3"}},
		},
	}
}

// newJanitor is a janitor of the stale-preview job alone.
func newJanitor(t *testing.T, name string, c Claimer, p Previews, g pipeline.Remover, sched string) *Janitor {
	t.Helper()
	return newWith(t, sched, Config{Claimer: c, Previews: p, Remover: g, TTL: week, Name: name})
}

// newWith makes the Janitor of cfg, on sched, its clock stopped at now.
func newWith(t *testing.T, sched string, cfg Config) *Janitor {
	t.Helper()
	s, err := cron.ParseStandard(sched)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Schedule, cfg.Now = s, func() time.Time { return now }
	j, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// runThreeTicks runs js on their schedule of every second, and stops them
// halfway between two ticks, after three.
func runThreeTicks(t *testing.T, js ...*Janitor) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, j := range js {
		wg.Go(func() {
			if err := j.Run(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(3500 * time.Millisecond)))
	cancel()
	wg.Wait()
}

func TestARunRemovesStalePreviewsOnce(t *testing.T) {
	c, p, g := newClaims(), deployments(), &gateway{}
	j := newJanitor(t, "builder-0", c, p, g, "@hourly")
	at := now.Add(500 * time.Millisecond)
	j.runOnce(context.Background(), JobStalePreviews, at, j.removeStale)

	removed, pruned := g.calls()
	if want := []string{"acme-fns-greet-feature-x-2", "acme-fns-hello-feature-x-1"}; !reflect.DeepEqual(removed, want) {
		t.Errorf("removed from the gateway %v, want %v", removed, want)
	}
	for _, name := range []string{"acme-fns-hello-feature-x-1", "acme-fns-greet-feature-x-2"} {
		if r := p.record(name); !r.removed || r.removedBy != 0 || r.why != "no push for 7 days" {
			t.Errorf("record of %s: removed %v by build %d because %q; want removed by no build, no push for 7 days",
				name, r.removed, r.removedBy, r.why)
		}
	}
	for _, name := range []string{"acme-fns-hello-fresh-3", "acme-fns-hello-4"} {
		if p.record(name).removed {
			t.Errorf("%s was removed; it is a fresh preview or production", name)
		}
	}
	if !reflect.DeepEqual(pruned, p.images["feature/x"]) || !reflect.DeepEqual(p.listed, []string{"feature/x"}) {
		t.Errorf("pruned %v after listing %v, want feature/x's images once", pruned, p.listed)
	}
	// The run is named by its scheduled second, and recorded as done.
	key := runKey(JobStalePreviews, now)
	if c.won[key] != "builder-0" {
		t.Errorf("claims %v, want %s claimed by builder-0", c.won, key)
	}
	if failure, ok := c.finished[key]; !ok || failure != "" {
		t.Errorf("run finished %v with %q, want finished without failure", ok, failure)
	}

	// The same scheduled time again is not run again; the next finds
	// nothing left to do.
	j.runOnce(context.Background(), JobStalePreviews, at, j.removeStale)
	j.runOnce(context.Background(), JobStalePreviews, now.Add(time.Hour), j.removeStale)
	if again, _ := g.calls(); len(again) != 2 {
		t.Errorf("gateway removals after two more runs: %v, want the first two only", again)
	}
}

func TestTwoJanitorsSharingAClaimerRemoveOnce(t *testing.T) {
	c, p, g := newClaims(), deployments(), &gateway{}
	js := []*Janitor{newJanitor(t, "builder-0", c, p, g, "@hourly"), newJanitor(t, "builder-1", c, p, g, "@hourly")}
	var wg sync.WaitGroup
	for i, j := range js {
		// Woken a little apart, within the same second.
		at := now.Add(time.Duration(100+i*300) * time.Millisecond)
		wg.Go(func() { j.runOnce(context.Background(), JobStalePreviews, at, j.removeStale) })
	}
	wg.Wait()
	removed, pruned := g.calls()
	if len(removed) != 2 || len(pruned) != 2 {
		t.Errorf("removed %v and pruned %v, want each stale preview and image once", removed, pruned)
	}
	key := runKey(JobStalePreviews, now)
	if attempts := c.attempts[key]; len(attempts) != 2 || len(c.won) != 1 {
		t.Errorf("claims %v after attempts %v, want both builders to try the same run and one to win", c.won, c.attempts)
	}
}

// Both janitors run on the real cron schedule: each second both try to
// claim the same run, and each preview is removed once.
func TestJanitorsOnOneScheduleClaimTheSameRuns(t *testing.T) {
	c, p, g := newClaims(), deployments(), &gateway{}
	runThreeTicks(t, newJanitor(t, "builder-0", c, p, g, "@every 1s"), newJanitor(t, "builder-1", c, p, g, "@every 1s"))

	if removed, _ := g.calls(); len(removed) != 2 {
		t.Errorf("removed %v, want each stale preview once", removed)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.won) != 3 {
		t.Errorf("runs claimed in three ticks of a schedule of every second: %v", c.won)
	}
	for key, attempts := range c.attempts {
		if len(attempts) != 2 || strings.Contains(key, ".") {
			t.Errorf("run %s tried by %v, want a whole second tried by both builders", key, attempts)
		}
		if _, ok := c.finished[key]; !ok {
			t.Errorf("run %s not finished when Run returned", key)
		}
	}
}

func TestARemovalFailureLeavesTheRecordLive(t *testing.T) {
	for _, tc := range []struct {
		name        string
		err         error
		alsoRemoved []string
	}{
		// The gateway is down: the rest waits for the next run.
		{name: "transient", err: pipeline.Transient(errors.New("connection refused"))},
		// This one function cannot go: the others still do.
		{name: "permanent", err: errors.New("gateway said 500: cannot delete"), alsoRemoved: []string{"acme-fns-greet-feature-x-2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, p, g := newClaims(), deployments(), &gateway{}
			// The first in the stale list fails.
			g.fail = map[string]error{"acme-fns-hello-feature-x-1": tc.err}
			j := newJanitor(t, "builder-0", c, p, g, "@hourly")
			j.runOnce(context.Background(), JobStalePreviews, now, j.removeStale)

			if r := p.record("acme-fns-hello-feature-x-1"); r.removed {
				t.Errorf("the preview the gateway kept is recorded removed: %+v", r)
			}
			removed, pruned := g.calls()
			if !reflect.DeepEqual(removed, tc.alsoRemoved) {
				t.Errorf("removed %v, want %v", removed, tc.alsoRemoved)
			}
			if failure := c.finished[runKey(JobStalePreviews, now)]; !strings.Contains(failure, "remove acme-fns-hello-feature-x-1") {
				t.Errorf("run recorded failure %q, want the removal named", failure)
			}
			// Images are pruned only for what was removed, and only those
			// no live deployment runs, which the store answers.
			if len(removed) == 0 && len(pruned) != 0 {
				t.Errorf("pruned %v with nothing removed", pruned)
			}

			// Once the gateway lets it go, the next run removes it.
			g.mu.Lock()
			g.fail = nil
			g.mu.Unlock()
			j.runOnce(context.Background(), JobStalePreviews, now.Add(time.Hour), j.removeStale)
			if r := p.record("acme-fns-hello-feature-x-1"); !r.removed {
				t.Errorf("the next run left it: %+v", r)
			}
			if removed, _ := g.calls(); len(removed) != 2 {
				t.Errorf("removed %v after the next run, want both stale previews once", removed)
			}
		})
	}
}

func TestRunWithoutTTLReturnsAtOnce(t *testing.T) {
	j, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- j.Run(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run with a TTL of 0 did not return")
	}
	if _, err := New(Config{TTL: week}); err == nil {
		t.Error("New with a TTL and nothing to work with: no error")
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		week:                    "7 days",
		24 * time.Hour:          "1 day",
		36 * time.Hour:          "36h",
		time.Hour:               "1h",
		90 * time.Minute:        "1h30m",
		time.Minute:             "1m",
		3 * time.Second:         "3s",
		90 * time.Second:        "1m30s",
		1500 * time.Millisecond: "1.5s",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestARunThatPanicsIsRecordedAsEnded(t *testing.T) {
	c := newClaims()
	j := newJanitor(t, "builder-0", c, deployments(), &gateway{}, "@hourly")
	j.runOnce(context.Background(), JobStalePreviews, now, func(context.Context) error { panic("nil map") })
	if failure, ok := c.finished[runKey(JobStalePreviews, now)]; !ok || !strings.Contains(failure, "panic: nil map") {
		t.Errorf("run finished %v with %q, want the panic recorded", ok, failure)
	}
	// The builder goes on: the next run is not taken for still going.
	j.runOnce(context.Background(), JobStalePreviews, now.Add(time.Hour), j.removeStale)
	if _, ok := c.finished[runKey(JobStalePreviews, now.Add(time.Hour))]; !ok {
		t.Error("the run after a panic did not run")
	}
}
