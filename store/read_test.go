package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestListBuildsNewestFirst(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	var ids []int64
	for i := range 5 {
		ids = append(ids, db.queued(t, fmt.Sprintf("d-%d", i)).ID)
	}
	if _, _, err := db.RecordEvent(ctx, pushEvent("acme", "other", "o-1")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.RecordEvent(ctx, pushEvent("someone", "fns", "s-1")); err != nil {
		t.Fatal(err)
	}

	got, err := db.ListBuilds(ctx, "acme", "fns", 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{ids[4], ids[3], ids[2]}
	if len(got) != len(want) {
		t.Fatalf("listed %d builds, want %d", len(got), len(want))
	}
	for i, b := range got {
		if b.ID != want[i] {
			t.Errorf("build %d has id %d, want %d", i, b.ID, want[i])
		}
		if b.Repo.FullName() != "acme/fns" {
			t.Errorf("build %d of %s, want acme/fns", b.ID, b.Repo.FullName())
		}
		checkUTC(t, "created_at", &b.CreatedAt)
	}

	all, err := db.ListBuilds(ctx, "acme", "fns", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 {
		t.Errorf("limit 0 listed %d builds, want all 5", len(all))
	}

	none, err := db.ListBuilds(ctx, "acme", "nothing", 10)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("builds of an unknown repo = %v, %v; want an empty list", none, err)
	}
}

func TestListBuildsMergesForges(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	first := db.queued(t, "gh-1")
	ev := pushEvent("acme", "fns", "gl-1")
	ev.Repo.Provider = pipeline.GitLab
	second, _, err := db.RecordEvent(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	third := db.queued(t, "gh-2")

	got, err := db.ListBuilds(ctx, "acme", "fns", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != third.ID || got[1].ID != second.ID || got[2].ID != first.ID {
		t.Fatalf("listed %+v, want builds %d, %d, %d", got, third.ID, second.ID, first.ID)
	}
	if got[1].Repo.Provider != pipeline.GitLab {
		t.Errorf("build %d from %s, want gitlab", got[1].ID, got[1].Repo.Provider)
	}
}

func TestGetBuildWithFunctionsByName(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b := db.queued(t, "d-1")
	for _, name := range []string{"zeta", "alpha", "mid"} {
		if _, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{BuildID: b.ID, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.GetBuild(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != b.ID || got.Repo != b.Repo || got.Commit != b.Commit {
		t.Errorf("got %+v, want %+v", got, b)
	}
	var names []string
	for _, f := range got.Functions {
		names = append(names, f.Name)
	}
	if fmt.Sprint(names) != "[alpha mid zeta]" {
		t.Errorf("functions = %v, want [alpha mid zeta]", names)
	}

	bare, err := db.GetBuild(ctx, db.queued(t, "d-2").ID)
	if err != nil || bare.Functions != nil {
		t.Errorf("build without functions = %+v, %v", bare.Functions, err)
	}
}

func TestGetBuildNotFound(t *testing.T) {
	db := newTestDB(t)
	_, err := db.GetBuild(context.Background(), 4242)
	if !errors.Is(err, pipeline.ErrNotFound) {
		t.Fatalf("GetBuild of a missing build: %v, want an error wrapping ErrNotFound", err)
	}
}

func TestBuildsSayWhatTheyWereMadeFor(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	push := db.queued(t, "push-1")
	pr := pushEvent("acme", "fns", "pr-1")
	pr.Kind, pr.PullRequest, pr.Branch = pipeline.PullRequest, 12, "feature"
	tag := pushEvent("acme", "fns", "tag-1")
	tag.Kind, tag.Tag, tag.Branch, tag.Ref = pipeline.Tag, "v1.2.0", "", "refs/tags/v1.2.0"
	want := map[int64]pipeline.Build{push.ID: {Kind: pipeline.Push}}
	for _, ev := range []pipeline.Event{pr, tag} {
		b, _, err := db.RecordEvent(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		want[b.ID] = pipeline.Build{Kind: ev.Kind, PullRequest: ev.PullRequest, Tag: ev.Tag}
	}

	list, err := db.ListBuilds(ctx, "acme", "fns", 10)
	if err != nil || len(list) != 3 {
		t.Fatalf("ListBuilds = %d builds, %v; want 3", len(list), err)
	}
	for _, b := range list {
		one, err := db.GetBuild(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		w := want[b.ID]
		for how, got := range map[string]pipeline.Build{"listed": b, "got": one} {
			if got.Kind != w.Kind || got.PullRequest != w.PullRequest || got.Tag != w.Tag {
				t.Errorf("build %d %s as %q #%d tag %q, want %q #%d tag %q",
					b.ID, how, got.Kind, got.PullRequest, got.Tag, w.Kind, w.PullRequest, w.Tag)
			}
		}
	}
}
