package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// A function's timeline is stored with it and read back whole, with the
// build, as the page and the API show it.
func TestFunctionStagesRoundTrip(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.UTC)
	stages := []pipeline.StageTiming{
		{Stage: pipeline.StageBuild, StartedAt: t0, FinishedAt: t0.Add(1500 * time.Millisecond), How: "built"},
		{Stage: pipeline.StagePush, StartedAt: t0.Add(1500 * time.Millisecond), FinishedAt: t0.Add(2 * time.Second)},
		{Stage: pipeline.StageDeploy, StartedAt: t0.Add(2 * time.Second), FinishedAt: t0.Add(2100 * time.Millisecond), How: "deployed"},
		{Stage: pipeline.StageReady, StartedAt: t0.Add(2100 * time.Millisecond), FinishedAt: t0.Add(3 * time.Second), Failed: true},
	}
	fb, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{BuildID: b.ID, Name: "hello", State: pipeline.Running})
	if err != nil {
		t.Fatal(err)
	}
	if len(fb.Stages) != 0 {
		t.Errorf("a new function has stages %+v", fb.Stages)
	}
	fb.Stages, fb.State = stages, pipeline.Failure
	saved, err := db.SaveFunctionBuild(ctx, fb)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(saved.Stages, stages) {
		t.Errorf("saved stages\n %+v, want\n %+v", saved.Stages, stages)
	}
	got, err := db.GetBuild(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Functions) != 1 || !reflect.DeepEqual(got.Functions[0].Stages, stages) {
		t.Errorf("read back %+v", got.Functions)
	}
}
