package test

import (
	"context"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
	"github.com/ofcbuild/ofc/registry"
)

// A tag push is ignored by default. With OFC_BUILD_TAGS it builds the
// tagged commit, pushes each image under the commit and under the tag, and
// reports on the commit, but deploys nothing.
func TestTagPushes(t *testing.T) {
	owner := "e2e-" + randomID()
	repo := gittest.NewServer(t).NewRepo(owner, "functions", "main")
	sha := repo.Commit("main", "Release 1.2.0", sampleFiles())
	tag := fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL, DefaultBranch: "main", Tag: "v1.2.0", After: sha}

	t.Run("ignored by default", func(t *testing.T) {
		sys := newSystem(t, 0)
		r := sys.push(tag, "delivery-"+randomID())
		if r.Code != 202 || r.Status != "ignored" || r.BuildID != 0 {
			t.Errorf("tag push answered %d %+v, want 202 ignored with no build", r.Code, r)
		}
	})

	t.Run("built with OFC_BUILD_TAGS", func(t *testing.T) {
		sys := newSystemWith(t, 1, "OFC_BUILD_TAGS=true")
		removeFunctionsAtEnd(t, sys.svc, owner)
		r := sys.push(tag, "delivery-"+randomID())
		if r.Code != 202 || r.BuildID == 0 {
			t.Fatalf("tag push answered %d %+v, want a build", r.Code, r)
		}
		b := sys.waitFinal(r.BuildID, buildWithin)
		if b.State != pipeline.Success || b.Commit != sha {
			t.Fatalf("build %d of the tag: %s of %s at %q: %s", b.ID, b.State, b.Commit, b.FailedStep, b.Error)
		}
		ctx := context.Background()
		reg, err := registry.New(registry.Config{Host: sys.svc.Registry, Insecure: true})
		if err != nil {
			t.Fatal(err)
		}
		gw := gatewayClient(t, sys.svc)
		for _, fn := range []string{"greet", "reverse", "static"} {
			byCommit, ok, err := reg.Exists(ctx, reg.Ref(owner, "functions", fn, sha))
			if err != nil || !ok {
				t.Errorf("%s: no image at the commit (%v)", fn, err)
			}
			byTag, ok, err := reg.Exists(ctx, reg.Ref(owner, "functions", fn, "v1.2.0"))
			if err != nil || !ok || byTag != byCommit {
				t.Errorf("%s: image at the tag %s (%v, %v), want the commit's %s", fn, byTag, ok, err, byCommit)
			}
			if _, err := gw.Get(ctx, plan.DeployName(owner, "functions", "", fn)); err == nil {
				t.Errorf("%s was deployed from a tag", fn)
			}
			if st := sys.last(sha, "ofc/"+fn); st.State != "success" || st.Description != "built; not deployed: v1.2.0 is a tag" {
				t.Errorf("status of %s on the tagged commit: %+v", fn, st)
			}
		}
	})
}
