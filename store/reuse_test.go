package store_test

import (
	"context"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// The image of a function's content is found from any branch of the same
// repository, newest first, never from another repository, and only once
// it was pushed.
func TestBuiltImageFindsTheNewestImageOfTheSameContent(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	save := func(b pipeline.Build, name, hash, digest string) {
		t.Helper()
		if _, err := db.SaveFunctionBuild(ctx, pipeline.FunctionBuild{BuildID: b.ID, Name: name,
			Image: "reg/acme/fns/" + name + ":" + b.Commit, Digest: digest, ContentHash: hash, State: pipeline.Success}); err != nil {
			t.Fatal(err)
		}
	}
	older, newer := db.push(t, "r-1", "main", sha('1'), ""), db.push(t, "r-2", "feature", sha('2'), "")
	save(older, "api", "h1", "sha256:old")
	save(newer, "api", "h1", "sha256:new")
	save(newer, "web", "h1", "sha256:web") // another function, same content
	pending := db.push(t, "r-3", "main", sha('3'), "")
	save(pending, "api", "h2", "") // not pushed yet

	ev := pushEvent("other", "fns", "r-4")
	ev.Commit = sha('4')
	stranger, _, err := db.RecordEvent(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	save(stranger, "api", "h3", "sha256:stranger")

	current := db.push(t, "r-5", "main", sha('5'), "")
	img, ok, err := db.BuiltImage(ctx, current.ID, "api", "h1")
	if err != nil || !ok || img.Digest != "sha256:new" || img.Commit != sha('2') || img.BuildID != newer.ID || img.Image != "reg/acme/fns/api:"+sha('2') {
		t.Errorf("BuiltImage(api, h1) = %+v, %v, %v; want the feature branch's, the newest", img, ok, err)
	}
	for _, c := range []struct{ name, hash string }{{"api", "h2"}, {"api", "h3"}, {"api", "nope"}, {"web", ""}} {
		if img, ok, err := db.BuiltImage(ctx, current.ID, c.name, c.hash); err != nil || ok {
			t.Errorf("BuiltImage(%s, %q) = %+v, %v, %v; want none", c.name, c.hash, img, ok, err)
		}
	}
	got, err := db.GetBuild(ctx, newer.ID)
	if err != nil || len(got.Functions) != 2 || got.Functions[0].ContentHash != "h1" {
		t.Errorf("GetBuild = %+v, %v; want the content hash read back", got.Functions, err)
	}
}

// An image a build of another branch reused is not pruned with the branch
// that built it.
func TestPrunableImagesLeavesImagesOtherBranchesRecorded(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	feature := db.push(t, "p-1", "feature", sha('1'), "")
	main := db.push(t, "p-2", "main", sha('2'), "")
	for _, fb := range []pipeline.FunctionBuild{
		{BuildID: feature.ID, Name: "api", Image: "reg/acme/fns/api:" + sha('1'), Digest: "sha256:shared"},
		{BuildID: feature.ID, Name: "web", Image: "reg/acme/fns/web:" + sha('1'), Digest: "sha256:own"},
		{BuildID: main.ID, Name: "api", Image: "reg/acme/fns/api:" + sha('2'), Digest: "sha256:shared", ReusedFrom: sha('1')},
	} {
		if _, err := db.SaveFunctionBuild(ctx, fb); err != nil {
			t.Fatal(err)
		}
	}
	imgs, err := db.PrunableImages(ctx, feature.ID, "feature")
	if err != nil || len(imgs) != 1 || imgs[0].Digest != "sha256:own" {
		t.Errorf("PrunableImages = %+v, %v; want web's alone", imgs, err)
	}
}
