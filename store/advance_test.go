package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// Two builders deploying one name take turns: the second sees what the
// first deployed, so the check and the record are one step.
func TestAdvanceDeploysOneNameAtATime(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	first, second := db.push(t, "a-1", "main", sha('1'), ""), db.push(t, "a-2", "other", sha('2'), "")
	d := func(b pipeline.Build) pipeline.Deployed {
		return pipeline.Deployed{DeployName: "acme-fns-hello", Function: "hello", Branch: "main",
			Commit: b.Commit, Image: "reg/hello:" + b.Commit[:7], Digest: "sha256:" + b.Commit[:7], BuildID: b.ID}
	}
	deploying, release := make(chan struct{}), make(chan struct{})
	firstDone := make(chan error, 1)
	go func() {
		_, err := db.Advance(ctx, d(first), func(context.Context, *pipeline.Deployed) (string, error) { return "", nil },
			func(context.Context) error { close(deploying); <-release; return nil })
		firstDone <- err
	}()
	<-deploying

	seen := make(chan *pipeline.Deployed, 1)
	secondDone := make(chan error, 1)
	go func() {
		why, err := db.Advance(ctx, d(second), func(_ context.Context, live *pipeline.Deployed) (string, error) {
			seen <- live
			return "stays", nil
		}, func(context.Context) error { t.Error("second deploy ran"); return nil })
		if err == nil && why != "stays" {
			err = errors.New("why = " + why)
		}
		secondDone <- err
	}()
	select {
	case <-seen:
		t.Fatal("the second builder decided while the first was deploying")
	case <-time.After(200 * time.Millisecond):
		// Not a timing assumption of the result: a decide that ran
		// early fails the test above, one that did not passes here.
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	live := <-seen
	if live == nil || live.Commit != sha('1') || live.BuildID != first.ID || live.Repo.FullName() != "acme/fns" || live.Repo.Provider != pipeline.GitHub {
		t.Errorf("second builder saw %+v, want the first's deployment, from acme/fns", live)
	}
	if err := <-secondDone; err != nil {
		t.Fatal(err)
	}
}

func TestAdvanceRecordsNothingWhenTheDeployFails(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.push(t, "f-1", "main", sha('1'), "")
	boom := errors.New("gateway said no")
	_, err := db.Advance(ctx, pipeline.Deployed{DeployName: "acme-fns-x", Function: "x", Branch: "main", Commit: b.Commit, BuildID: b.ID},
		func(context.Context, *pipeline.Deployed) (string, error) { return "", nil },
		func(context.Context) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the deploy's", err)
	}
	if live, _ := db.LiveOnBranch(ctx, b.ID, "main"); len(live) != 0 {
		t.Errorf("recorded %+v", live)
	}
}

func TestAdvanceRefusesASupersededBuild(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	old := db.push(t, "r-1", "main", sha('1'), "")
	if c, err := db.ClaimBuild(ctx, old.ID, time.Minute); err != nil || !c.Won {
		t.Fatal(c, err)
	}
	db.push(t, "r-2", "main", sha('2'), sha('1'))
	_, err := db.Advance(ctx, pipeline.Deployed{DeployName: "acme-fns-x", Function: "x", Branch: "main", Commit: old.Commit, BuildID: old.ID},
		func(context.Context, *pipeline.Deployed) (string, error) { t.Error("decided"); return "", nil },
		func(context.Context) error { t.Error("deployed"); return nil })
	var sup *pipeline.SupersededError
	if !errors.As(err, &sup) || sup.By != sha('2') {
		t.Fatalf("err = %v, want superseded by %s", err, sha('2'))
	}
}

// A retry of a build whose deploy was recorded does not deploy the same
// image again: that would only restart the function.
func TestAdvanceDoesNotRedeployWhatRuns(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.push(t, "n-1", "main", sha('1'), "")
	d := pipeline.Deployed{DeployName: "acme-fns-x", Function: "x", Branch: "main", Commit: b.Commit, Digest: "sha256:1", BuildID: b.ID}
	deploys := 0
	for range 2 {
		if _, err := db.Advance(ctx, d, func(context.Context, *pipeline.Deployed) (string, error) { return "", nil },
			func(context.Context) error { deploys++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if deploys != 1 {
		t.Errorf("deployed %d times, want once", deploys)
	}
}
