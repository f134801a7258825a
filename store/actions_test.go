package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestCancelAQueuedBuildEndsItAndRecordsWho(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.push(t, "c-1", "main", sha('1'), sha('0'))
	if _, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{BuildID: b.ID, Name: "api", State: pipeline.Queued}); err != nil {
		t.Fatal(err)
	}

	a, err := db.CancelBuild(ctx, pipeline.Action{BuildID: b.ID, By: "alice"})
	if err != nil || a.ID == 0 || a.Kind != pipeline.ActionCancel || a.By != "alice" {
		t.Fatalf("CancelBuild = %+v, %v", a, err)
	}
	if st, by, msg := db.stateOf(t, b.ID); st != "superseded" || by != "cancelled by alice" || msg != "cancelled by alice" {
		t.Errorf("build: %s by %q %q, want ended, cancelled by alice", st, by, msg)
	}
	got, _ := db.GetBuild(ctx, b.ID)
	if got.Functions[0].State != pipeline.Superseded {
		t.Errorf("function %s, want ended with the build", got.Functions[0].State)
	}
	c, err := db.ClaimBuild(ctx, b.ID, 0)
	if err != nil || !c.Final || c.SupersededBy != "cancelled by alice" {
		t.Errorf("a delivery after the cancel claims %+v, %v; want final, cancelled by alice", c, err)
	}
	if _, err := db.CancelBuild(ctx, pipeline.Action{BuildID: b.ID, By: "bob"}); !errors.Is(err, pipeline.ErrNotCancellable) {
		t.Errorf("second cancel = %v, want ErrNotCancellable", err)
	}
	if _, err := db.CancelBuild(ctx, pipeline.Action{BuildID: 999999, By: "bob"}); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("cancel of no build = %v, want ErrNotFound", err)
	}
	list, err := db.Actions(ctx, b.ID)
	if err != nil || len(list) != 1 || list[0].By != "alice" || list[0].Kind != pipeline.ActionCancel {
		t.Errorf("actions = %+v, %v; want alice's cancel only", list, err)
	}
}

func TestCancelARunningBuildStopsItAtItsHeartbeat(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.push(t, "c-2", "main", sha('2'), sha('1'))
	if c, err := db.ClaimBuild(ctx, b.ID, 0); err != nil || !c.Won {
		t.Fatalf("claim = %+v, %v", c, err)
	}
	if _, err := db.CancelBuild(ctx, pipeline.Action{BuildID: b.ID, By: "alice"}); err != nil {
		t.Fatal(err)
	}
	if st, by, _ := db.stateOf(t, b.ID); st != "running" || by != "cancelled by alice" {
		t.Errorf("build: %s by %q, want running until its builder stops it", st, by)
	}
	var sup *pipeline.SupersededError
	if err := db.Heartbeat(ctx, b.ID); !errors.As(err, &sup) || !sup.Cancelled() || sup.Error() != "cancelled by alice" {
		t.Errorf("heartbeat = %v, want cancelled by alice", err)
	}
	// A newer push does not take the cancel's place.
	db.push(t, "c-3", "main", sha('3'), sha('2'))
	if _, by, _ := db.stateOf(t, b.ID); by != "cancelled by alice" {
		t.Errorf("after a newer push: by %q", by)
	}
	if err := db.FinishBuild(ctx, b.ID, pipeline.Superseded, "", sup.Error()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelBuild(ctx, pipeline.Action{BuildID: b.ID, By: "bob"}); !errors.Is(err, pipeline.ErrNotCancellable) {
		t.Errorf("cancel of an ended build = %v", err)
	}
}

func TestARebuildSupersedesNothingAndIsRecorded(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	old := db.push(t, "r-1", "main", sha('1'), sha('0'))
	if err := db.FinishBuild(ctx, old.ID, pipeline.Success, "", ""); err != nil {
		t.Fatal(err)
	}
	running := db.push(t, "r-2", "main", sha('2'), sha('1'))

	ev, err := db.BuildEvent(ctx, old.ID)
	if err != nil || ev.Commit != sha('1') || ev.DeliveryID != "r-1" {
		t.Fatalf("BuildEvent = %+v, %v", ev, err)
	}
	ev.DeliveryID = "ofc-rebuild-1"
	ev.Trigger = &pipeline.Trigger{Action: pipeline.ActionRebuild, By: "alice", Of: old.ID, Functions: []string{"*search"}}
	nb, created, err := db.RecordEvent(ctx, ev)
	if err != nil || !created {
		t.Fatal(err)
	}
	if st, by, _ := db.stateOf(t, running.ID); st != "queued" || by != "" {
		t.Errorf("the newer push's build: %s by %q, want untouched by a rebuild of an older commit", st, by)
	}
	back, err := db.BuildEvent(ctx, nb.ID)
	if err != nil || back.Trigger == nil || back.Trigger.By != "alice" || back.Trigger.Functions[0] != "*search" {
		t.Errorf("the rebuild's event = %+v, %v: want its trigger kept", back.Trigger, err)
	}
	a, err := db.RecordAction(ctx, pipeline.Action{Kind: pipeline.ActionRebuild, BuildID: old.ID, ResultID: nb.ID, By: "alice", Functions: []string{"*search"}})
	if err != nil || a.ID == 0 || a.CreatedAt.IsZero() {
		t.Fatalf("RecordAction = %+v, %v", a, err)
	}
	for _, id := range []int64{old.ID, nb.ID} {
		list, err := db.Actions(ctx, id)
		if err != nil || len(list) != 1 || list[0].ResultID != nb.ID || list[0].Functions[0] != "*search" {
			t.Errorf("actions of %d = %+v, %v", id, list, err)
		}
	}
	if list, _ := db.Actions(ctx, running.ID); len(list) != 0 {
		t.Errorf("actions of another build = %+v", list)
	}
}

func TestRollbackTargetIsTheGoodBuildBeforeWhatRuns(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	repo := pushEvent("acme", "fns", "x").Repo
	if _, err := db.RollbackTarget(ctx, repo, "main"); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("no builds: %v", err)
	}
	good := func(delivery string, c byte) pipeline.Build {
		b := db.push(t, delivery, "main", sha(c), "")
		if err := db.FinishBuild(ctx, b.ID, pipeline.Success, "", ""); err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := good("g-1", 'a')
	b := good("g-2", 'b')
	c := good("g-3", 'c')
	failed := db.push(t, "g-4", "main", sha('d'), "")
	if err := db.FinishBuild(ctx, failed.ID, pipeline.Failure, pipeline.StepBuild, "no"); err != nil {
		t.Fatal(err)
	}
	deploy := func(build pipeline.Build) {
		t.Helper()
		if err := db.RecordDeployed(ctx, pipeline.Deployed{DeployName: "api", Function: "api", Branch: "main",
			Commit: build.Commit, Image: "r/api:x", Digest: "sha256:" + build.Commit[:4], BuildID: build.ID}); err != nil {
			t.Fatal(err)
		}
	}
	// Nothing recorded as live: the newest good build.
	if got, err := db.RollbackTarget(ctx, repo, "main"); err != nil || got.ID != c.ID {
		t.Errorf("nothing live: target %d, %v; want %d", got.ID, err, c.ID)
	}
	deploy(c)
	if got, err := db.RollbackTarget(ctx, repo, "main"); err != nil || got.ID != b.ID {
		t.Errorf("c live: target %d, %v; want b, %d", got.ID, err, b.ID)
	}
	// Rolled back to b: the next rollback goes to a, never forward to c.
	ev, _ := db.BuildEvent(ctx, b.ID)
	ev.DeliveryID = "ofc-rollback-1"
	ev.Trigger = &pipeline.Trigger{Action: pipeline.ActionRollback, By: "alice", Of: b.ID, Reuse: true}
	rb, _, err := db.RecordEvent(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishBuild(ctx, rb.ID, pipeline.Success, "", ""); err != nil {
		t.Fatal(err)
	}
	rb.Commit = b.Commit
	deploy(rb)
	if got, err := db.RollbackTarget(ctx, repo, "main"); err != nil || got.ID != a.ID {
		t.Errorf("b rolled back to: target %d, %v; want a, %d", got.ID, err, a.ID)
	}
	if _, err := db.RollbackTarget(ctx, repo, "other"); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("another branch: %v", err)
	}
}
