package store_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestDeploymentsFromRecordToRemoval(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	older, newer, cleanup := db.queued(t, "d-1"), db.queued(t, "d-2"), db.queued(t, "d-3")
	db.exec(t, `UPDATE builds SET branch = 'feature/x' WHERE id IN ($1, $2)`, older.ID, newer.ID)
	preview := func(b pipeline.Build, commit, digest string) pipeline.Deployed {
		return pipeline.Deployed{DeployName: "acme-fns-hello-feature-x-1", Function: "hello", Branch: "feature/x",
			Preview: true, PullRequest: 7, Commit: commit, Image: "reg/acme/fns/hello:" + commit, Digest: digest, BuildID: b.ID}
	}
	for _, b := range []pipeline.Build{older, newer} {
		if _, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{BuildID: b.ID, Name: "hello",
			Image: "reg/acme/fns/hello:c" + itoa(b.ID), Digest: "sha256:" + itoa(b.ID), State: pipeline.Success}); err != nil {
			t.Fatal(err)
		}
	}

	// The newer build records first; the older one, finishing last, must
	// not take the name back.
	if err := db.RecordDeployed(ctx, preview(newer, "c"+itoa(newer.ID), "sha256:"+itoa(newer.ID))); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordDeployed(ctx, preview(older, "c"+itoa(older.ID), "sha256:"+itoa(older.ID))); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordDeployed(ctx, pipeline.Deployed{DeployName: "acme-fns-hello-2", Function: "hello", Branch: "main",
		Commit: "m", Image: "reg/acme/fns/hello:m", Digest: "sha256:main", BuildID: cleanup.ID}); err != nil {
		t.Fatal(err)
	}
	live, err := db.LivePreviews(ctx, cleanup.ID, "feature/x")
	if err != nil {
		t.Fatal(err)
	}
	if len(live) != 1 || live[0].BuildID != newer.ID || live[0].Commit != "c"+itoa(newer.ID) || live[0].PullRequest != 7 {
		t.Fatalf("live previews = %+v, want the newer build's only", live)
	}

	// While it runs, its image is not prunable; the older one is.
	imgs, err := db.PrunableImages(ctx, cleanup.ID, "feature/x")
	if err != nil {
		t.Fatal(err)
	}
	if want := []pipeline.PrunableImage{{Image: "reg/acme/fns/hello:c" + itoa(older.ID), Digest: "sha256:" + itoa(older.ID)}}; !reflect.DeepEqual(imgs, want) {
		t.Errorf("prunable while live = %v, want %v", imgs, want)
	}

	if err := db.MarkRemoved(ctx, live[0].DeployName, cleanup.ID, "pull request #7 closed"); err != nil {
		t.Fatal(err)
	}
	if live, _ := db.LivePreviews(ctx, cleanup.ID, "feature/x"); len(live) != 0 {
		t.Errorf("live after removal = %+v", live)
	}
	var why string
	var by int64
	if err := db.pool.QueryRow(ctx, `SELECT removed_why, removed_by FROM deployments WHERE deploy_name = $1`,
		"acme-fns-hello-feature-x-1").Scan(&why, &by); err != nil || why != "pull request #7 closed" || by != cleanup.ID {
		t.Errorf("removal recorded as %q by %d (%v)", why, by, err)
	}
	if imgs, _ := db.PrunableImages(ctx, cleanup.ID, "feature/x"); len(imgs) != 2 {
		t.Errorf("prunable after removal = %v, want both images", imgs)
	}
	if live, _ := db.LivePreviews(ctx, cleanup.ID, "main"); len(live) != 0 {
		t.Errorf("production listed as a preview: %+v", live)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
