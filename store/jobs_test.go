package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/store"
)

func TestClaimRunIsWonByExactlyOneBuilder(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	// A second pool is a second builder process: the race is between
	// connections, not goroutines sharing one.
	other, err := store.Open(ctx, db.pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	stores := []*store.Store{db.Store, store.New(other)}
	at := time.Date(2025, 3, 4, 13, 0, 0, 0, time.UTC)

	type claim struct {
		by string
		at time.Time
	}
	for round := range 20 {
		at := at.Add(time.Duration(round) * time.Hour)
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []claim
		)
		start := make(chan struct{})
		for i := range 6 {
			c := claim{by: fmt.Sprintf("builder-%d", i), at: at}
			if round%2 == 1 {
				// Builders whose clocks disagree still run the job once.
				c.at = at.Add(time.Duration(i%3) * time.Second)
			}
			wg.Go(func() {
				<-start
				won, err := stores[i%2].ClaimRun(ctx, "stale-previews", c.at, c.by)
				if err != nil {
					t.Error(err)
				}
				if won {
					mu.Lock()
					winners = append(winners, c)
					mu.Unlock()
				}
			})
		}
		close(start)
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("round %d: runs claimed %v, want exactly one by one builder", round, winners)
		}
		var by string
		if err := db.pool.QueryRow(ctx, `SELECT claimed_by FROM job_runs WHERE job = 'stale-previews' AND scheduled_at = $1`,
			winners[0].at).Scan(&by); err != nil || by != winners[0].by {
			t.Errorf("job_runs says %q claimed the run at %v (%v), want %s", by, winners[0].at, err, winners[0].by)
		}
		if err := db.FinishRun(ctx, "stale-previews", winners[0].at, ""); err != nil {
			t.Fatal(err)
		}
	}

	// Another job at the same time is another run.
	if won, err := db.ClaimRun(ctx, "log-retention", at, "builder-0"); err != nil || !won {
		t.Errorf("claim of another job at the same time = %v, %v; want it won", won, err)
	}
	// The same instant in another zone is the same run.
	if won, err := db.ClaimRun(ctx, "stale-previews", at.In(time.FixedZone("CET", 3600)), "builder-9"); err != nil || won {
		t.Errorf("second claim of the run at %v = %v, %v; want it lost", at, won, err)
	}
}

func TestFinishRunRecordsTheOutcome(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	ok, failed := time.Now().UTC().Truncate(time.Second), time.Now().UTC().Truncate(time.Second).Add(time.Hour)
	claim := func(at time.Time) {
		t.Helper()
		if won, err := db.ClaimRun(ctx, "stale-previews", at, "builder-0"); err != nil || !won {
			t.Fatalf("claim at %v = %v, %v", at, won, err)
		}
	}
	claim(ok)
	var finished int
	if err := db.pool.QueryRow(ctx, `SELECT count(finished_at) FROM job_runs`).Scan(&finished); err != nil || finished != 0 {
		t.Fatalf("%d runs finished before any was told to (%v)", finished, err)
	}
	if err := db.FinishRun(ctx, "stale-previews", ok, ""); err != nil {
		t.Fatal(err)
	}
	claim(failed)
	if err := db.FinishRun(ctx, "stale-previews", failed, "remove acme-fns-hello-x-1: gateway down"); err != nil {
		t.Fatal(err)
	}
	for at, want := range map[time.Time]string{ok: "", failed: "remove acme-fns-hello-x-1: gateway down"} {
		var msg string
		var done *time.Time
		if err := db.pool.QueryRow(ctx, `SELECT finished_at, error FROM job_runs WHERE scheduled_at = $1`, at).
			Scan(&done, &msg); err != nil || done == nil || msg != want {
			t.Errorf("run at %v: finished %v with %q (%v), want finished with %q", at, done, msg, err, want)
		}
	}
	if err := db.FinishRun(ctx, "stale-previews", ok.Add(-time.Hour), ""); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("finishing a run nobody claimed: %v, want ErrNotFound", err)
	}
}

// A run that outlasts the interval keeps the next scheduled times from
// being claimed, by any builder, until it ends or is taken for dead.
func TestNoRunIsClaimedWhileOneIsGoing(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 4, 13, 0, 0, 0, time.UTC)
	claim := func(at time.Time, by string) bool {
		t.Helper()
		won, err := db.ClaimRun(ctx, "stale-previews", at, by)
		if err != nil {
			t.Fatal(err)
		}
		return won
	}
	if !claim(at, "builder-0") {
		t.Fatal("first claim lost")
	}
	if claim(at.Add(time.Second), "builder-1") || claim(at.Add(2*time.Second), "builder-0") {
		t.Error("a run was claimed while the one before it was going")
	}
	if claim(at, "builder-1") {
		t.Error("the going run was claimed again")
	}
	// Another job is not held up.
	if won, err := db.ClaimRun(ctx, "log-retention", at.Add(time.Second), "builder-1"); err != nil || !won {
		t.Errorf("claim of another job = %v, %v; want it won", won, err)
	}
	if err := db.FinishRun(ctx, "stale-previews", at, ""); err != nil {
		t.Fatal(err)
	}
	if !claim(at.Add(3*time.Second), "builder-1") {
		t.Fatal("the run after a finished one was not claimed")
	}
	// Its builder died during it: once it is old enough, the job goes on.
	db.exec(t, `UPDATE job_runs SET claimed_at = claimed_at - $1::bigint * interval '1 second' WHERE scheduled_at = $2`,
		int64(store.AbandonedAfter.Seconds())+1, at.Add(3*time.Second))
	if !claim(at.Add(4*time.Second), "builder-0") {
		t.Error("an abandoned run keeps the job from running")
	}
	var runs int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM job_runs WHERE job = 'stale-previews'`).Scan(&runs); err != nil || runs != 3 {
		t.Errorf("%d runs recorded (%v), want the three claimed", runs, err)
	}
}

func TestStalePreviewsAreOldLivePreviewsOfBranchesWithoutPushes(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	build := func(owner, branch string, age time.Duration) pipeline.Build {
		t.Helper()
		b, _, err := db.RecordEvent(ctx, pushEvent(owner, "fns", "stale-"+owner+"-"+branch+"-"+age.String()))
		if err != nil {
			t.Fatal(err)
		}
		db.exec(t, `UPDATE builds SET branch = $2, created_at = now() - $3::bigint * interval '1 second' WHERE id = $1`,
			b.ID, branch, int64(age.Seconds()))
		return b
	}
	deployed := func(b pipeline.Build, owner, branch string, age time.Duration) string {
		t.Helper()
		name := owner + "-fns-hello-" + branch
		if err := db.RecordDeployed(ctx, pipeline.Deployed{DeployName: name, Function: "hello", Branch: branch,
			Preview: branch != "main", Commit: "c", Image: "reg/" + owner + "/fns/hello:c", Digest: "sha256:" + name,
			BuildID: b.ID}); err != nil {
			t.Fatal(err)
		}
		db.exec(t, `UPDATE deployments SET deployed_at = now() - $2::bigint * interval '1 second' WHERE deploy_name = $1`,
			name, int64(age.Seconds()))
		return name
	}
	const day = 24 * time.Hour
	oldA := deployed(build("acme", "old", 8*day), "acme", "old", 8*day)
	oldB := deployed(build("other", "old", 9*day), "other", "old", 9*day)
	deployed(build("acme", "main", 30*day), "acme", "main", 30*day)
	deployed(build("acme", "fresh", time.Hour), "acme", "fresh", time.Hour)
	// A push a minute ago that is still building, or failed, or changed
	// nothing, keeps the branch's old preview.
	deployed(build("acme", "busy", 8*day), "acme", "busy", 8*day)
	build("acme", "busy", time.Minute)
	gone := deployed(build("acme", "gone", 8*day), "acme", "gone", 8*day)
	if err := db.MarkRemoved(ctx, gone, 0, "branch gone deleted"); err != nil {
		t.Fatal(err)
	}

	stale, err := db.StalePreviews(ctx, time.Now().Add(-7*day))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range stale {
		names = append(names, d.DeployName)
		if !d.Preview || d.BuildID == 0 || d.DeployedAt.Location() != time.UTC || time.Since(d.DeployedAt) < 7*day {
			t.Errorf("stale preview %+v", d)
		}
	}
	if fmt.Sprint(names) != fmt.Sprint([]string{oldB, oldA}) {
		t.Fatalf("stale previews = %v, want %v, oldest first", names, []string{oldB, oldA})
	}

	// The job's removal is made by no build.
	if err := db.MarkRemoved(ctx, oldB, 0, "no push for 7 days"); err != nil {
		t.Fatal(err)
	}
	var why string
	var by *int64
	if err := db.pool.QueryRow(ctx, `SELECT removed_why, removed_by FROM deployments WHERE deploy_name = $1`, oldB).
		Scan(&why, &by); err != nil || why != "no push for 7 days" || by != nil {
		t.Errorf("removal recorded as %q by %v (%v), want by no build", why, by, err)
	}
	if stale, _ := db.StalePreviews(ctx, time.Now().Add(-7*day)); len(stale) != 1 || stale[0].DeployName != oldA {
		t.Errorf("stale previews after one removal = %+v, want %s only", stale, oldA)
	}
}
