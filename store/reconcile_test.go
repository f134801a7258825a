package store_test

import (
	"context"
	"testing"
	"time"
)

func TestRecentBranchesAndWhatWasBuilt(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	db.push(t, "rb-1", "main", sha('1'), "")
	db.push(t, "rb-2", "main", sha('2'), sha('1'))
	db.push(t, "rb-3", "feature", sha('f'), "")
	old := db.push(t, "rb-4", "old", sha('o'), "")
	db.exec(t, `UPDATE builds SET created_at = now() - interval '2 days' WHERE id = $1`, old.ID)

	got, err := db.RecentBranches(ctx, time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	heads := map[string]string{}
	for _, ev := range got {
		heads[ev.Branch] = ev.Commit
		if ev.Repo.FullName() != "acme/fns" || ev.Repo.CloneURL == "" {
			t.Errorf("event of %s lacks its repository: %+v", ev.Branch, ev.Repo)
		}
	}
	if len(heads) != 2 || heads["main"] != sha('2') || heads["feature"] != sha('f') {
		t.Errorf("recent branches = %v, want main at its latest push and feature", heads)
	}

	repo := got[0].Repo
	for _, c := range []struct {
		branch, commit string
		want           bool
	}{{"main", sha('2'), true}, {"main", sha('f'), false}, {"feature", sha('f'), true}} {
		if built, err := db.Built(ctx, repo, c.branch, c.commit); err != nil || built != c.want {
			t.Errorf("Built(%s, %s) = %v, %v; want %v", c.branch, c.commit[:3], built, err, c.want)
		}
	}
	// sha('1') was superseded by sha('2') while queued: it does not count.
	if built, _ := db.Built(ctx, repo, "main", sha('1')); built {
		t.Error("a superseded build counts as built")
	}
}
