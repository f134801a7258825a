package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestReapingQuietBuilds(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	quiet, fresh, done := db.push(t, "q-1", "a", sha('1'), ""), db.push(t, "q-2", "b", sha('2'), ""), db.push(t, "q-3", "c", sha('3'), "")
	for _, b := range []pipeline.Build{quiet, fresh} {
		if c, err := db.ClaimBuild(ctx, b.ID, time.Minute); err != nil || !c.Won {
			t.Fatal(c, err)
		}
	}
	if err := db.FinishBuild(ctx, done.ID, pipeline.Success, "", ""); err != nil {
		t.Fatal(err)
	}
	db.exec(t, `UPDATE builds SET heartbeat_at = now() - interval '10 minutes' WHERE id = $1`, quiet.ID)
	db.exec(t, `UPDATE builds SET created_at = now() - interval '1 hour'`)

	since := time.Now().Add(-5 * time.Minute)
	got, err := db.QuietBuilds(ctx, since, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Request.BuildID != quiet.ID || got[0].Request.Event.Commit != sha('1') || got[0].State != pipeline.Running {
		t.Fatalf("quiet builds = %+v, want the running build with the old heartbeat alone", got)
	}

	state, n, moved, err := db.ReapBuild(ctx, quiet.ID, since, 1, "handed back", "given up")
	if err != nil || moved || state != pipeline.Queued || n != 1 {
		t.Fatalf("first reap = %s %d moved %v, %v; want queued, reaped once", state, n, moved, err)
	}
	// Handed back just now: quiet no more, until it is again.
	if _, _, moved, _ := db.ReapBuild(ctx, quiet.ID, since, 1, "handed back", "given up"); !moved {
		t.Error("a build handed back just now was reaped again")
	}
	db.exec(t, `UPDATE builds SET heartbeat_at = now() - interval '10 minutes' WHERE id = $1`, quiet.ID)
	state, _, _, err = db.ReapBuild(ctx, quiet.ID, since, 1, "handed back", "given up")
	if err != nil || state != pipeline.Error {
		t.Fatalf("reap past the limit = %s, %v; want error", state, err)
	}
	if st, _, msg := db.stateOf(t, quiet.ID); st != "error" || msg != "given up" {
		t.Errorf("build ended %s %q", st, msg)
	}
	if _, _, moved, _ := db.ReapBuild(ctx, fresh.ID, since, 1, "x", "y"); !moved {
		t.Error("a build with a fresh heartbeat was reaped")
	}
}
