package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/store"
)

func TestListReposByLatestBuild(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	if got, err := db.ListRepos(ctx); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("repositories of an empty store = %v, %v; want an empty list", got, err)
	}

	db.queued(t, "fns-1")
	other := pushEvent("acme", "other", "other-1")
	other.Repo.Private = true
	if _, _, err := db.RecordEvent(ctx, other); err != nil {
		t.Fatal(err)
	}
	gitlab := pushEvent("group/sub", "fns", "gl-1")
	gitlab.Repo.Provider = pipeline.GitLab
	if _, _, err := db.RecordEvent(ctx, gitlab); err != nil {
		t.Fatal(err)
	}
	pr := pushEvent("acme", "fns", "fns-2")
	pr.Kind, pr.PullRequest, pr.Branch, pr.Commit = pipeline.PullRequest, 3, "feature", "fedcba9876543210fedcba9876543210fedcba98"
	latest, _, err := db.RecordEvent(ctx, pr)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishBuild(ctx, latest.ID, pipeline.Failure, pipeline.StepBuild, "no"); err != nil {
		t.Fatal(err)
	}

	got, err := db.ListRepos(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range got {
		names = append(names, string(r.Repo.Provider)+":"+r.Repo.FullName())
	}
	if len(got) != 3 || names[0] != "github:acme/fns" || names[1] != "gitlab:group/sub/fns" || names[2] != "github:acme/other" {
		t.Fatalf("listed %v, want acme/fns, group/sub/fns (gitlab), acme/other", names)
	}
	first := got[0]
	want := pipeline.LastBuild{ID: latest.ID, Kind: pipeline.PullRequest, State: pipeline.Failure, Branch: "feature", Commit: pr.Commit}
	first.LastBuild.CreatedAt = want.CreatedAt
	if first.LastBuild != want {
		t.Errorf("last build of acme/fns = %+v, want %+v", first.LastBuild, want)
	}
	if first.Repo.HTMLURL != "https://github.com/acme/fns" || first.Repo.DefaultBranch != "main" || first.Repo.Private {
		t.Errorf("repository details = %+v", first.Repo)
	}
	if !got[2].Repo.Private {
		t.Errorf("acme/other listed as public")
	}
	checkUTC(t, "created_at", &got[0].LastBuild.CreatedAt)
}

func TestListReposIsBounded(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	db.exec(t, `INSERT INTO repos (provider, owner, name) SELECT 'github', 'acme', 'r' || i FROM generate_series(1, $1) i`, store.RepoListLimit+5)
	db.exec(t, `INSERT INTO builds (repo_id, delivery_id, kind, commit_sha, event)
		SELECT id, 'd' || id, 'push', 'abc', '{}' FROM repos ORDER BY id`)
	got, err := db.ListRepos(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != store.RepoListLimit {
		t.Fatalf("listed %d repositories, want %d", len(got), store.RepoListLimit)
	}
	if want := fmt.Sprintf("r%d", store.RepoListLimit+5); got[0].Repo.Name != want {
		t.Errorf("first listed %s, want the most recently built, %s", got[0].Repo.Name, want)
	}
}
