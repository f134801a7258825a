package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestRecordEventCreatesQueuedBuild(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	ev := pushEvent("acme", "fns", "d-1")
	before := time.Now().Add(-time.Second)

	b, created, err := db.RecordEvent(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Error("created = false for a new delivery")
	}
	if b.ID == 0 || b.State != pipeline.Queued || b.DeliveryID != "d-1" {
		t.Errorf("build = id %d state %q delivery %q, want a queued build of d-1", b.ID, b.State, b.DeliveryID)
	}
	if b.Repo != ev.Repo {
		t.Errorf("repo = %+v, want %+v", b.Repo, ev.Repo)
	}
	if b.Branch != ev.Branch || b.Commit != ev.Commit || b.Message != ev.Message || b.Author != ev.Author {
		t.Errorf("build = %+v, want the event's branch, commit, message and author", b)
	}
	if b.Kind != pipeline.Push || b.PullRequest != 0 || b.Tag != "" {
		t.Errorf("build made for %q, pull request %d, tag %q; want a push", b.Kind, b.PullRequest, b.Tag)
	}
	if b.CreatedAt.Before(before) || b.StartedAt != nil || b.FinishedAt != nil {
		t.Errorf("times = created %v started %v finished %v", b.CreatedAt, b.StartedAt, b.FinishedAt)
	}
	checkUTC(t, "created_at", &b.CreatedAt)

	var stored pipeline.Event
	if err := db.pool.QueryRow(ctx, "SELECT event FROM builds WHERE id = $1", b.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored.DeliveryID != ev.DeliveryID || stored.Commit != ev.Commit || stored.Repo != ev.Repo {
		t.Errorf("stored event = %+v, want %+v", stored, ev)
	}
}

func TestRecordEventIdempotentUnderConcurrency(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	const n = 10
	type result struct {
		b       pipeline.Build
		created bool
		err     error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			b, created, err := db.RecordEvent(ctx, pushEvent("acme", "fns", "same-delivery"))
			results[i] = result{b, created, err}
		}()
	}
	close(start)
	wg.Wait()

	createdCount := 0
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("call %d: %v", i, r.err)
		}
		if r.created {
			createdCount++
		}
		if r.b.ID != results[0].b.ID {
			t.Errorf("call %d returned build %d, call 0 build %d", i, r.b.ID, results[0].b.ID)
		}
	}
	if createdCount != 1 {
		t.Errorf("%d calls report created, want exactly 1", createdCount)
	}
	var builds, repos int
	if err := db.pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM builds), (SELECT count(*) FROM repos)").Scan(&builds, &repos); err != nil {
		t.Fatal(err)
	}
	if builds != 1 || repos != 1 {
		t.Errorf("%d builds and %d repos stored, want 1 of each", builds, repos)
	}
}

func TestRecordEventKeepsOneRowPerRepository(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	first := db.queued(t, "d-1")

	// A later event that names a new default branch but, like some forge
	// events, no web URL.
	ev := pushEvent("acme", "fns", "d-2")
	ev.Repo.DefaultBranch = "trunk"
	ev.Repo.HTMLURL = ""
	second, created, err := db.RecordEvent(ctx, ev)
	if err != nil || !created {
		t.Fatalf("RecordEvent(d-2) = created %v, %v", created, err)
	}
	if second.ID <= first.ID {
		t.Errorf("second build id %d not after first %d", second.ID, first.ID)
	}
	if second.Repo.DefaultBranch != "trunk" || second.Repo.HTMLURL != first.Repo.HTMLURL {
		t.Errorf("repo = %+v, want default branch trunk and the known web URL %q", second.Repo, first.Repo.HTMLURL)
	}
	var repos int
	if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM repos").Scan(&repos); err != nil {
		t.Fatal(err)
	}
	if repos != 1 {
		t.Errorf("%d repos stored, want 1", repos)
	}

	gitlab := pushEvent("acme", "fns", "d-3")
	gitlab.Repo.Provider = pipeline.GitLab
	if _, _, err := db.RecordEvent(ctx, gitlab); err != nil {
		t.Fatal(err)
	}
	if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM repos").Scan(&repos); err != nil {
		t.Fatal(err)
	}
	if repos != 2 {
		t.Errorf("%d repos stored after a GitLab event of the same name, want 2", repos)
	}
}

func TestRecordEventWithoutDeliveryID(t *testing.T) {
	db := newTestDB(t)
	if _, _, err := db.RecordEvent(context.Background(), pushEvent("acme", "fns", "")); err == nil {
		t.Fatal("RecordEvent without a delivery id succeeded")
	}
}

// A pull request's build says so, when it is made and when its delivery
// comes again, as the read paths do.
func TestRecordEventSaysWhatTheBuildIsFor(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	ev := pushEvent("acme", "fns", "d-pr")
	ev.Kind, ev.PullRequest = pipeline.PullRequest, 12
	for _, again := range []bool{false, true} {
		b, created, err := db.RecordEvent(ctx, ev)
		if err != nil || created == again {
			t.Fatalf("record (again %v): created %v, %v", again, created, err)
		}
		if b.Kind != pipeline.PullRequest || b.PullRequest != 12 {
			t.Errorf("record (again %v): build made for %q, pull request %d; want pull request 12", again, b.Kind, b.PullRequest)
		}
	}
}
