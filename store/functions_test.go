package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestSaveFunctionBuildInsertsThenUpdates(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))

	fb, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{
		BuildID:    b.ID,
		Name:       "hello",
		DeployName: "acme-fns-hello",
		Image:      "127.0.0.1:5000/acme/fns-hello:0123456",
		State:      pipeline.Running,
		StartedAt:  &start,
	})
	if err != nil {
		t.Fatal(err)
	}
	if fb.ID == 0 || fb.BuildID != b.ID || fb.State != pipeline.Running {
		t.Errorf("saved = %+v", fb)
	}
	if fb.StartedAt == nil || !fb.StartedAt.Equal(start) {
		t.Errorf("started_at = %v, want %v", fb.StartedAt, start)
	}
	checkUTC(t, "started_at", fb.StartedAt)

	end := start.Add(time.Minute)
	fb.Digest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	fb.State = pipeline.Failure
	fb.FailedStep = pipeline.StepDeploy
	fb.Error = "gateway said 500"
	fb.FinishedAt = &end
	updated, err := db.SaveFunctionBuild(ctx, fb)
	if err != nil {
		t.Fatal(err)
	}
	if updated.ID != fb.ID {
		t.Errorf("update made a new row: id %d, want %d", updated.ID, fb.ID)
	}
	if updated.Digest != fb.Digest || updated.State != pipeline.Failure || updated.FailedStep != pipeline.StepDeploy ||
		updated.Error != fb.Error || updated.FinishedAt == nil || !updated.FinishedAt.Equal(end) {
		t.Errorf("updated = %+v, want %+v", updated, fb)
	}
}

func TestSaveFunctionBuildDefaultsAndErrors(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")

	fb, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{BuildID: b.ID, Name: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if fb.State != pipeline.Queued {
		t.Errorf("state of a function build saved without one = %q, want queued", fb.State)
	}
	if _, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{BuildID: 4242, Name: "hello"}); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("save for a missing build: %v, want an error wrapping ErrNotFound", err)
	}
	if _, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{BuildID: b.ID}); err == nil {
		t.Error("save without a name succeeded")
	}
	if _, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{BuildID: b.ID, Name: "x", State: "done"}); err == nil {
		t.Error("save with an unknown state succeeded")
	}
}
