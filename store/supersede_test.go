package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

func sha(c byte) string { return strings.Repeat(string(c), 40) }

// push records a push of commit on branch, whose parent was before.
func (db testDB) push(t *testing.T, delivery, branch, commit, before string) pipeline.Build {
	t.Helper()
	ev := pushEvent("acme", "fns", delivery)
	ev.Branch, ev.Ref, ev.Commit, ev.Before = branch, "refs/heads/"+branch, commit, before
	b, created, err := db.RecordEvent(context.Background(), ev)
	if err != nil || !created {
		t.Fatalf("RecordEvent(%s) = created %v, %v", delivery, created, err)
	}
	return b
}

func (db testDB) stateOf(t *testing.T, id int64) (state, supersededBy, msg string) {
	t.Helper()
	if err := db.pool.QueryRow(context.Background(), `SELECT state, superseded_by, error FROM builds WHERE id = $1`, id).
		Scan(&state, &supersededBy, &msg); err != nil {
		t.Fatal(err)
	}
	return state, supersededBy, msg
}

func TestANewerPushSupersedesTheBranchsUnfinishedBuilds(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()

	queued := db.push(t, "s-1", "main", sha('1'), sha('0'))
	other := db.push(t, "s-2", "feature", sha('f'), sha('0'))
	running := db.push(t, "s-3", "main", sha('2'), sha('1'))
	if c, err := db.ClaimBuild(ctx, running.ID, 0); err != nil || !c.Won {
		t.Fatalf("claim = %+v, %v", c, err)
	}
	db.push(t, "s-4", "main", sha('3'), sha('2'))

	if st, by, msg := db.stateOf(t, queued.ID); st != "superseded" || by != sha('2') || msg != "superseded by "+sha('2') {
		t.Errorf("queued build: %s by %q %q, want superseded by the next push", st, by, msg)
	}
	if st, by, _ := db.stateOf(t, running.ID); st != "running" || by != sha('3') {
		t.Errorf("running build: %s by %q, want still running, marked superseded by the last push", st, by)
	}
	if st, by, _ := db.stateOf(t, other.ID); st != "queued" || by != "" {
		t.Errorf("another branch's build: %s by %q, want untouched", st, by)
	}

	var sup *pipeline.SupersededError
	if err := db.Heartbeat(ctx, running.ID); !errors.As(err, &sup) || sup.By != sha('3') {
		t.Errorf("heartbeat of the running build = %v, want superseded by %s", err, sha('3'))
	}
	if c, err := db.ClaimBuild(ctx, queued.ID, 0); err != nil || !c.Final || c.SupersededBy != sha('2') {
		t.Errorf("claim of the skipped build = %+v, %v, want final, superseded", c, err)
	}
}

// A push delivered late, whose commit a queued build already descends
// from, leaves that build alone: it is newer code.
func TestALateParentPushSupersedesNothing(t *testing.T) {
	db := newTestDB(t)
	child := db.push(t, "l-1", "main", sha('b'), sha('a'))
	db.push(t, "l-2", "main", sha('a'), sha('9'))
	if st, by, _ := db.stateOf(t, child.ID); st != "queued" || by != "" {
		t.Errorf("the child's build: %s by %q, want queued and not superseded", st, by)
	}
}

// A pull request's builds supersede each other, not another pull
// request's from the same branch, nor the branch's pushes.
func TestAPullRequestsNewHeadSupersedesItsOwnBuildsOnly(t *testing.T) {
	db := newTestDB(t)
	pr := func(delivery string, number int, commit string) int64 {
		t.Helper()
		ev := pushEvent("acme", "fns", delivery)
		ev.Kind, ev.Branch, ev.Ref, ev.PullRequest, ev.Commit = pipeline.PullRequest, "feature", "refs/heads/feature", number, commit
		b, created, err := db.RecordEvent(context.Background(), ev)
		if err != nil || !created {
			t.Fatalf("RecordEvent(%s) = created %v, %v", delivery, created, err)
		}
		return b.ID
	}
	first := pr("p-1", 7, sha('1'))
	other := pr("p-2", 8, sha('1'))
	push := db.push(t, "p-3", "feature", sha('1'), "")
	pr("p-4", 7, sha('2'))
	if st, by, _ := db.stateOf(t, first); st != "superseded" || by != sha('2') {
		t.Errorf("pull request 7's first build: %s by %q, want superseded", st, by)
	}
	if st, _, _ := db.stateOf(t, other); st != "queued" {
		t.Errorf("pull request 8's build: %s, want queued", st)
	}
	if st, _, _ := db.stateOf(t, push.ID); st != "queued" {
		t.Errorf("the branch's push build: %s, want queued", st)
	}
}
