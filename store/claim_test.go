package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestClaimBuildRaceHasOneWinner(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")

	const n = 8
	var wins atomic.Int32
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c, err := db.ClaimBuild(ctx, b.ID, time.Minute)
			errs[i] = err
			if c.Won {
				wins.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("claim %d: %v", i, err)
		}
	}
	if wins.Load() != 1 {
		t.Errorf("%d claims won, want exactly 1", wins.Load())
	}
	got, err := db.GetBuild(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != pipeline.Running || got.StartedAt == nil {
		t.Errorf("claimed build: state %q, started %v; want running with a start time", got.State, got.StartedAt)
	}
	checkUTC(t, "started_at", got.StartedAt)
	if a := db.attempts(t, b.ID); a != 1 {
		t.Errorf("attempts = %d, want 1", a)
	}
}

func TestClaimBuildTakesOverStaleBuild(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")
	if c, err := db.ClaimBuild(ctx, b.ID, time.Minute); !c.Won || err != nil {
		t.Fatalf("first claim = %v, %v", c, err)
	}

	if c, err := db.ClaimBuild(ctx, b.ID, time.Minute); c.Won || c.Final || c.HeldFor <= 50*time.Second || c.HeldFor > time.Minute || err != nil {
		t.Fatalf("claim of a build heard from just now = %v, %v; want false", c, err)
	}
	if err := db.Heartbeat(ctx, b.ID); err != nil {
		t.Fatal(err)
	}

	// The runner went quiet two minutes ago.
	db.exec(t, "UPDATE builds SET heartbeat_at = now() - interval '2 minutes' WHERE id = $1", b.ID)
	if c, err := db.ClaimBuild(ctx, b.ID, 5*time.Minute); c.Won || c.Final || c.HeldFor < 2*time.Minute || c.HeldFor > 3*time.Minute || err != nil {
		t.Fatalf("claim with a 5m limit of a build quiet for 2m = %v, %v; want false", c, err)
	}
	if c, err := db.ClaimBuild(ctx, b.ID, time.Minute); !c.Won || err != nil {
		t.Fatalf("claim with a 1m limit of a build quiet for 2m = %v, %v; want true", c, err)
	}
	if a := db.attempts(t, b.ID); a != 2 {
		t.Errorf("attempts = %d, want 2", a)
	}
	if c, err := db.ClaimBuild(ctx, b.ID, time.Minute); c.Won || err != nil {
		t.Fatalf("claim right after a takeover = %v, %v; want false", c, err)
	}
}

func TestClaimBuildRefusesFinalBuild(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")
	if err := db.FinishBuild(ctx, b.ID, pipeline.Success, "", ""); err != nil {
		t.Fatal(err)
	}
	if c, err := db.ClaimBuild(ctx, b.ID, 0); c.Won || !c.Final || err != nil {
		t.Fatalf("claim of a finished build = %v, %v; want false", c, err)
	}
}

func TestClaimBuildNotFound(t *testing.T) {
	db := newTestDB(t)
	c, err := db.ClaimBuild(context.Background(), 4242, time.Minute)
	if c.Won || !errors.Is(err, pipeline.ErrNotFound) {
		t.Fatalf("claim of a missing build = %+v, %v; want an error wrapping ErrNotFound", c, err)
	}
}

func TestHeartbeatOfBuildNotRunning(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")
	if err := db.Heartbeat(ctx, b.ID); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("heartbeat of a queued build: %v, want an error wrapping ErrNotFound", err)
	}
	if err := db.Heartbeat(ctx, 4242); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("heartbeat of a missing build: %v, want an error wrapping ErrNotFound", err)
	}
}

func TestRequeueBuild(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")
	if c, err := db.ClaimBuild(ctx, b.ID, time.Hour); !c.Won || err != nil {
		t.Fatalf("claim = %v, %v", c, err)
	}
	if err := db.RequeueBuild(ctx, b.ID, "registry unavailable"); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetBuild(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != pipeline.Queued || got.Error != "registry unavailable" {
		t.Errorf("requeued build: state %q error %q", got.State, got.Error)
	}
	// The next delivery claims it at once, however long the stale limit.
	if c, err := db.ClaimBuild(ctx, b.ID, time.Hour); !c.Won || err != nil {
		t.Fatalf("claim after requeue = %v, %v; want true", c, err)
	}
	if a := db.attempts(t, b.ID); a != 2 {
		t.Errorf("attempts = %d, want 2", a)
	}

	if err := db.FinishBuild(ctx, b.ID, pipeline.Success, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := db.RequeueBuild(ctx, b.ID, "late"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetBuild(ctx, b.ID); got.State != pipeline.Success {
		t.Errorf("requeue of a finished build changed its state to %q", got.State)
	}
	if err := db.RequeueBuild(ctx, 4242, "x"); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("requeue of a missing build: %v, want an error wrapping ErrNotFound", err)
	}
}
