package test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// A push to a branch other than the default one deploys that branch's
// preview functions under their own names, and leaves production alone.
func TestPushToABranchDeploysItsPreview(t *testing.T) {
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "functions", "main")
	push := func(branch, before, sha string) pipeline.Build {
		t.Helper()
		return sys.pushed(fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
			DefaultBranch: "main", Branch: branch, Before: before, After: sha})
	}
	mainSHA := repo.Commit("main", "Add functions", sampleFiles())
	push("main", "", mainSHA)

	files := sampleFiles()
	files["greet/handler.go"] = strings.Replace(greetHandler, `"%s, %s"`, `"%s from the preview, %s"`, 1)
	branchSHA := repo.Commit("feature/x", "Try a new greeting", files)
	b := push("feature/x", mainSHA, branchSHA)

	ctx := context.Background()
	gw := gatewayClient(t, sys.svc)
	for _, fb := range b.Functions {
		want := plan.DeployName(owner, "functions", "feature/x", fb.Name)
		if fb.DeployName != want {
			t.Errorf("%s deployed as %s, want the preview name %s", fb.Name, fb.DeployName, want)
		}
		fn, err := gw.Get(ctx, fb.DeployName)
		if err != nil {
			t.Errorf("preview %s is not on the gateway: %v", fb.DeployName, err)
			continue
		}
		wantLabels := map[string]string{
			pipeline.LabelOwner: owner, pipeline.LabelRepo: "functions", pipeline.LabelBranch: "feature_x",
			pipeline.LabelCommit: branchSHA, pipeline.LabelPreview: "true",
		}
		for k, v := range wantLabels {
			if fn.Labels[k] != v {
				t.Errorf("preview %s label %s = %q, want %q", fb.DeployName, k, fn.Labels[k], v)
			}
		}
		if fn.Annotations[pipeline.LabelBranch] != "feature/x" {
			t.Errorf("preview %s branch annotation = %q", fb.DeployName, fn.Annotations[pipeline.LabelBranch])
		}
	}

	preview := plan.DeployName(owner, "functions", "feature/x", "greet")
	production := plan.DeployName(owner, "functions", "", "greet")
	if code, got := invoke(t, sys.svc, preview, http.MethodPost, "world"); code != 200 || got != "Hello from the preview, world" {
		t.Errorf("preview greet = %d %q, want the branch's handler", code, got)
	}
	if code, got := invoke(t, sys.svc, production, http.MethodPost, "world"); code != 200 || got != "Hello, world" {
		t.Errorf("production greet = %d %q, want it untouched", code, got)
	}
	if fn, err := gw.Get(ctx, production); err != nil || fn.Labels[pipeline.LabelCommit] != mainSHA {
		t.Errorf("production greet after the branch push: %+v, %v; want it still at %s", fn, err, mainSHA)
	}
	for _, ctxName := range []string{"ofc", "ofc/greet", "ofc/reverse", "ofc/static"} {
		states := sys.states(branchSHA, ctxName)
		if len(states) < 2 || states[0] != "pending" || states[len(states)-1] != "success" {
			t.Errorf("context %s on the branch's commit went %v, want pending ... success", ctxName, states)
		}
	}
}
