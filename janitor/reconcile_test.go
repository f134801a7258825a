package janitor

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ofcbuild/ofc/pipeline"
)

type builtBranches struct {
	latest []pipeline.Event
	built  map[string]bool // branch@commit
}

func (b *builtBranches) RecentBranches(context.Context, time.Time) ([]pipeline.Event, error) {
	return b.latest, nil
}
func (b *builtBranches) Built(_ context.Context, _ pipeline.Repo, branch, commit string) (bool, error) {
	return b.built[branch+"@"+commit], nil
}

type forgeHeads map[string]string

func (h forgeHeads) Heads(context.Context, pipeline.Event) (map[string]string, error) { return h, nil }

// recorder records events once per delivery, as the store does, and
// queues what it is given.
type recorder struct {
	mu     sync.Mutex
	events map[string]pipeline.Event
	queued []pipeline.BuildRequest
}

func (r *recorder) RecordEvent(_ context.Context, ev pipeline.Event) (pipeline.Build, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.events[ev.DeliveryID]; ok {
		return pipeline.Build{ID: 1, State: pipeline.Running}, false, nil
	}
	r.events[ev.DeliveryID] = ev
	return pipeline.Build{ID: int64(len(r.events)), State: pipeline.Queued}, true, nil
}

func (r *recorder) Publish(_ context.Context, req pipeline.BuildRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queued = append(r.queued, req)
	return nil
}

func TestTheReconcilerBuildsAHeadNoPushAnnounced(t *testing.T) {
	repo := pipeline.Repo{Provider: pipeline.GitHub, Owner: "acme", Name: "fns", CloneURL: "https://github.com/acme/fns.git", DefaultBranch: "main"}
	built := &builtBranches{
		latest: []pipeline.Event{
			{Repo: repo, Branch: "main", Commit: "c1", InstallationID: 7},
			{Repo: repo, Branch: "feature", Commit: "f1"},
			{Repo: repo, Branch: "gone", Commit: "g1"},
		},
		built: map[string]bool{"feature@f2": true},
	}
	rec := &recorder{events: map[string]pipeline.Event{}}
	reconcileEvery, _ := cron.ParseStandard("@every 1m")
	j := newWith(t, "@hourly", Config{Claimer: newClaims(), Branches: built, Events: rec, Queue: rec,
		// main moved on without a push; feature's head was built by a
		// push received since; gone is gone.
		Heads:             forgeHeads{"main": "c2", "feature": "f2"},
		ReconcileSchedule: reconcileEvery, ReconcileWindow: 24 * time.Hour})
	for range 2 {
		if err := j.reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.queued) != 1 {
		t.Fatalf("queued %d builds over two runs, want main's head once: %+v", len(rec.queued), rec.queued)
	}
	ev := rec.queued[0].Event
	if ev.Branch != "main" || ev.Commit != "c2" || ev.Kind != pipeline.Push || ev.Ref != "refs/heads/main" ||
		ev.InstallationID != 7 || ev.Repo != repo || ev.Message != ReconcileMessage || !strings.HasPrefix(ev.DeliveryID, "reconcile:") {
		t.Errorf("reconciled event = %+v", ev)
	}
}
