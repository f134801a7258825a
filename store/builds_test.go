package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestFinishBuild(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")
	if c, err := db.ClaimBuild(ctx, b.ID, time.Minute); !c.Won || err != nil {
		t.Fatalf("claim = %v, %v", c, err)
	}
	if err := db.FinishBuild(ctx, b.ID, pipeline.Failure, pipeline.StepBuild, "go: build failed"); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetBuild(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != pipeline.Failure || got.FailedStep != pipeline.StepBuild || got.Error != "go: build failed" {
		t.Errorf("finished build: state %q step %q error %q", got.State, got.FailedStep, got.Error)
	}
	if got.FinishedAt == nil || got.StartedAt == nil || got.FinishedAt.Before(*got.StartedAt) {
		t.Errorf("finished build: started %v finished %v", got.StartedAt, got.FinishedAt)
	}
	checkUTC(t, "finished_at", got.FinishedAt)

	// A duplicate runner finishing later does not overwrite the result.
	if err := db.FinishBuild(ctx, b.ID, pipeline.Success, "", ""); err != nil {
		t.Fatalf("second finish: %v", err)
	}
	again, err := db.GetBuild(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.State != pipeline.Failure || again.Error != "go: build failed" || !again.FinishedAt.Equal(*got.FinishedAt) {
		t.Errorf("after a second finish: state %q error %q finished %v; want the first result kept", again.State, again.Error, again.FinishedAt)
	}
}

func TestFinishBuildRejectsStateNotFinal(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")
	for _, st := range []pipeline.State{pipeline.Queued, pipeline.Running, "", "done"} {
		if err := db.FinishBuild(ctx, b.ID, st, "", ""); err == nil {
			t.Errorf("FinishBuild with state %q succeeded", st)
		}
	}
	if got, _ := db.GetBuild(ctx, b.ID); got.State != pipeline.Queued {
		t.Errorf("state = %q, want queued", got.State)
	}
}

func TestFinishBuildNotFound(t *testing.T) {
	db := newTestDB(t)
	err := db.FinishBuild(context.Background(), 4242, pipeline.Error, pipeline.StepClone, "x")
	if !errors.Is(err, pipeline.ErrNotFound) {
		t.Fatalf("finish of a missing build: %v, want an error wrapping ErrNotFound", err)
	}
}
