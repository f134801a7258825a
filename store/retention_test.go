package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

const day = 24 * time.Hour

// logged records a build of owner/fns with a two-line log, leaves it in
// state, and backdates its creation and, when final, its end by age.
func (db testDB) logged(t *testing.T, owner string, state pipeline.State, age time.Duration) int64 {
	t.Helper()
	ctx := context.Background()
	b, _, err := db.RecordEvent(ctx, pushEvent(owner, "fns", fmt.Sprintf("retention-%s-%d", owner, time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AppendLog(ctx, b.ID, []pipeline.LogLine{
		{Seq: 1, Step: pipeline.StepClone, Time: time.Now(), Text: "fetching " + owner + "/fns"},
		{Seq: 2, Function: "hello", Step: pipeline.StepBuild, Time: time.Now(), Text: "#1 DONE 0.1s"},
	}); err != nil {
		t.Fatal(err)
	}
	if state != pipeline.Queued {
		if c, err := db.ClaimBuild(ctx, b.ID, time.Minute); err != nil || !c.Won {
			t.Fatalf("claim build %d: %v, %v", b.ID, c, err)
		}
	}
	if state.Final() {
		if err := db.FinishBuild(ctx, b.ID, state, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	db.exec(t, `UPDATE builds SET created_at = now() - $2::bigint * interval '1 second',
		finished_at = finished_at - $2::bigint * interval '1 second' WHERE id = $1`, b.ID, int64(age.Seconds()))
	return b.ID
}

// logLines is how many lines of build id's log the store reads back.
func (db testDB) logLines(t *testing.T, id int64) int {
	t.Helper()
	lines, err := db.ReadLog(context.Background(), id, nil, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(lines)
}

// checkRemoved fails unless build id's log is gone and the build says
// why, or, when why is "", unless its log is whole and the build says
// nothing.
func (db testDB) checkRemoved(t *testing.T, id int64, why string) {
	t.Helper()
	b, err := db.GetBuild(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	lines := db.logLines(t, id)
	switch {
	case why == "" && (lines != 2 || b.LogRemovedAt != nil || b.LogRemovedWhy != ""):
		t.Errorf("build %d (%s): %d lines, removed at %v because %q; want its log kept", id, b.State, lines, b.LogRemovedAt, b.LogRemovedWhy)
	case why != "" && (lines != 0 || b.LogRemovedAt == nil || b.LogRemovedWhy != why):
		t.Errorf("build %d (%s): %d lines, removed at %v because %q; want its log removed because %q", id, b.State, lines, b.LogRemovedAt, b.LogRemovedWhy, why)
	case why != "" && (time.Since(*b.LogRemovedAt) > time.Minute || b.LogRemovedAt.Location() != time.UTC):
		t.Errorf("build %d: log removed at %v, want just now, in UTC", id, b.LogRemovedAt)
	}
}

func TestRemoveLogsFinishedBeforeKeepsRecentAndUnfinishedBuilds(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	const why = "older than 30 days"
	oldSuccess := db.logged(t, "acme", pipeline.Success, 31*day)
	oldFailure := db.logged(t, "other", pipeline.Failure, 40*day)
	recent := db.logged(t, "acme", pipeline.Success, 29*day)
	// Builds that have not ended keep their log however old they are: a
	// builder may still be writing it.
	running := db.logged(t, "acme", pipeline.Running, 60*day)
	queued := db.logged(t, "acme", pipeline.Queued, 60*day)

	n, err := db.RemoveLogsFinishedBefore(ctx, time.Now().Add(-30*day), why)
	if err != nil || n != 2 {
		t.Fatalf("RemoveLogsFinishedBefore = %d, %v; want the 2 builds finished over 30 days ago", n, err)
	}
	db.checkRemoved(t, oldSuccess, why)
	db.checkRemoved(t, oldFailure, why)
	for _, id := range []int64{recent, running, queued} {
		db.checkRemoved(t, id, "")
	}
	first, _ := db.GetBuild(ctx, oldSuccess)

	// A second run finds nothing, and leaves the first removal's record.
	if n, err := db.RemoveLogsFinishedBefore(ctx, time.Now().Add(-30*day), "older than 1 day"); err != nil || n != 0 {
		t.Errorf("second run = %d, %v; want nothing removed", n, err)
	}
	if again, _ := db.GetBuild(ctx, oldSuccess); !again.LogRemovedAt.Equal(*first.LogRemovedAt) || again.LogRemovedWhy != why {
		t.Errorf("second run changed the record to %v %q, want %v %q", again.LogRemovedAt, again.LogRemovedWhy, first.LogRemovedAt, why)
	}
	// The list of a repository's builds says so too.
	list, err := db.ListBuilds(ctx, "other", "fns", 10)
	if err != nil || len(list) != 1 || list[0].LogRemovedAt == nil || list[0].LogRemovedWhy != why {
		t.Errorf("ListBuilds(other/fns) = %+v, %v; want the build with its log removed", list, err)
	}
}

func TestRemoveLogsBeyondLatestKeepsEachRepositorysNewestBuilds(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	const why = "not among the repository's latest 2 builds"
	// acme/fns: a build stuck running, then four finished, oldest first.
	stuck := db.logged(t, "acme", pipeline.Running, 0)
	var acme []int64
	for range 4 {
		acme = append(acme, db.logged(t, "acme", pipeline.Success, 0))
	}
	// other/fns has two builds only, older than all of acme's.
	other := []int64{db.logged(t, "other", pipeline.Failure, 90*day), db.logged(t, "other", pipeline.Success, 90*day)}

	n, err := db.RemoveLogsBeyondLatest(ctx, 2, why)
	if err != nil || n != 2 {
		t.Fatalf("RemoveLogsBeyondLatest(2) = %d, %v; want acme's 2 finished builds before its latest 2", n, err)
	}
	db.checkRemoved(t, acme[0], why)
	db.checkRemoved(t, acme[1], why)
	for _, id := range append([]int64{stuck, acme[2], acme[3]}, other...) {
		db.checkRemoved(t, id, "")
	}

	// A new build pushes the oldest of the latest two out.
	newest := db.logged(t, "acme", pipeline.Error, 0)
	if n, err := db.RemoveLogsBeyondLatest(ctx, 2, why); err != nil || n != 1 {
		t.Errorf("after one more build: %d, %v; want 1 removed", n, err)
	}
	db.checkRemoved(t, acme[2], why)
	db.checkRemoved(t, acme[3], "")
	db.checkRemoved(t, newest, "")

	if n, err := db.RemoveLogsBeyondLatest(ctx, 0, why); err == nil || n != 0 {
		t.Errorf("RemoveLogsBeyondLatest(0) = %d, %v; want an error and nothing removed", n, err)
	}
	db.checkRemoved(t, newest, "")
}

// A first run over a long history removes it all, a batch at a time, and
// across more repositories than one page of them.
func TestRetentionRemovesMoreThanABatch(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	const repos, perRepo = 600, 5
	db.exec(t, `INSERT INTO repos (provider, owner, name) SELECT 'github', 'owner' || i, 'fns' FROM generate_series(1, $1::int) i`, repos)
	db.exec(t, `INSERT INTO builds (repo_id, delivery_id, kind, commit_sha, event, state, finished_at)
		SELECT 1 + i % $1::int, 'd-' || i, 'push', md5(i::text), '{}', 'success', now() - interval '40 days'
		FROM generate_series(1, $1::int * $2::int) i`, repos, perRepo)
	db.exec(t, `INSERT INTO build_log_chunks (build_id, first_seq, last_seq, lines)
		SELECT id, 1, 1, '[{"seq":1,"step":"clone","time":"2026-01-01T00:00:00Z","text":"x"}]' FROM builds`)

	// Each repository keeps its latest 3 of 5.
	n, err := db.RemoveLogsBeyondLatest(ctx, 3, "not among the repository's latest 3 builds")
	if want := int64(repos * (perRepo - 3)); err != nil || n != want {
		t.Errorf("RemoveLogsBeyondLatest(3) = %d, %v; want %d", n, err, want)
	}
	var left, perRepoLeft int
	if err := db.pool.QueryRow(ctx, `SELECT count(DISTINCT build_id), max(n) FROM (
		SELECT build_id, count(*) OVER (PARTITION BY repo_id) AS n FROM build_log_chunks JOIN builds ON id = build_id) k`).
		Scan(&left, &perRepoLeft); err != nil || left != repos*3 || perRepoLeft != 3 {
		t.Errorf("%d logs left, at most %d a repository (%v); want %d, 3 each", left, perRepoLeft, err, repos*3)
	}

	n, err = db.RemoveLogsFinishedBefore(ctx, time.Now().Add(-30*day), "older than 30 days")
	if err != nil || n != repos*3 {
		t.Errorf("RemoveLogsFinishedBefore = %d, %v; want %d", n, err, repos*3)
	}
	var chunks, marked int
	if err := db.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM build_log_chunks), (SELECT count(log_removed_at) FROM builds)`).
		Scan(&chunks, &marked); err != nil || chunks != 0 || marked != repos*perRepo {
		t.Errorf("%d chunks left, %d builds marked (%v); want none left, all marked", chunks, marked, err)
	}
}

// A run cut short keeps what it removed and says so.
func TestRetentionStopsWhenItsContextEnds(t *testing.T) {
	db := newTestDB(t)
	id := db.logged(t, "acme", pipeline.Success, 40*day)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.RemoveLogsFinishedBefore(ctx, time.Now(), "older than 1 day"); err == nil {
		t.Error("RemoveLogsFinishedBefore with its context ended: no error")
	}
	if _, err := db.RemoveLogsBeyondLatest(ctx, 1, "x"); err == nil {
		t.Error("RemoveLogsBeyondLatest with its context ended: no error")
	}
	db.checkRemoved(t, id, "")
}

// BenchmarkLogRetention is a run of the log-retention job once the first
// has run, on a year of builds: a million, of a thousand repositories,
// the logs of the last 30 days kept. Its cost must follow the logs kept
// and the repositories, not the history.
func BenchmarkLogRetention(b *testing.B) {
	db := newTestDB(b)
	ctx := context.Background()
	db.exec(b, `INSERT INTO repos (provider, owner, name)
		SELECT 'github', 'owner' || i, 'repo' FROM generate_series(1, 1000) i`)
	// One build every 30 seconds; those ended over 30 days ago have had
	// their log removed.
	db.exec(b, `INSERT INTO builds (repo_id, delivery_id, kind, commit_sha, event, state, created_at, finished_at,
			log_removed_at, log_removed_why)
		SELECT 1 + i % 1000, 'd-' || i, 'push', md5(i::text), '{}', 'success', at, at + interval '1 minute',
			CASE WHEN at < now() - interval '30 days' THEN now() END,
			CASE WHEN at < now() - interval '30 days' THEN 'older than 30 days' ELSE '' END
		FROM generate_series(1, 1000000) i, LATERAL (SELECT now() - (1000000 - i) * interval '30 seconds' AS at) t`)
	db.exec(b, `INSERT INTO build_log_chunks (build_id, first_seq, last_seq, lines)
		SELECT id, 1, 1, '[{"seq":1,"step":"clone","time":"2026-01-01T00:00:00Z","text":"fetching"}]'
		FROM builds WHERE log_removed_at IS NULL`)
	db.exec(b, `VACUUM ANALYZE`)

	for b.Loop() {
		if _, err := db.RemoveLogsFinishedBefore(ctx, time.Now().Add(-30*day), "older than 30 days"); err != nil {
			b.Fatal(err)
		}
		if _, err := db.RemoveLogsBeyondLatest(ctx, 50, "not among the repository's latest 50 builds"); err != nil {
			b.Fatal(err)
		}
	}
}
