package test

import (
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/janitor"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// TestTheReconcilerBuildsAPushWhoseWebhookWasLost: GitHub does not
// deliver a webhook again by itself. A push whose delivery never arrives
// is found by the reconciler, which compares the branch's head on GitHub
// with what was built, and builds it, within its interval.
func TestTheReconcilerBuildsAPushWhoseWebhookWasLost(t *testing.T) {
	const every = 3 * time.Second
	sys := newSystemWith(t, 1, "OFC_RECONCILE_SCHEDULE=@every 3s")
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	repo := gittest.NewServer(t).NewRepo(owner, "fns", "main")
	v1 := "v1-" + randomID()
	c1 := repo.Commit("main", "one", versionFiles(v1))
	sys.GitHub.SetBranch(owner, "fns", "main", c1)
	sys.pushed(fixture.Push{Owner: owner, Repo: "fns", CloneURL: repo.CloneURL, DefaultBranch: "main",
		Branch: "main", Before: strings.Repeat("0", 40), After: c1, Message: "one"})

	// The second push reaches GitHub; its webhook never reaches us.
	v2 := "v2-" + randomID()
	c2 := repo.Commit("main", "two", versionFiles(v2))
	sys.GitHub.SetBranch(owner, "fns", "main", c2)
	lost := time.Now()

	var b pipeline.Build
	for deadline := time.Now().Add(buildWithin); b.ID == 0; time.Sleep(500 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no build of the lost push within %s", buildWithin)
		}
		for _, x := range sys.builds(owner, "fns") {
			if x.Commit == c2 {
				b = x
			}
		}
	}
	found := time.Since(lost)
	if found > 2*every+10*time.Second {
		t.Errorf("the reconciler found the lost push after %s, want within its interval of %s", found, every)
	}
	if b.Message != janitor.ReconcileMessage || b.Branch != "main" {
		t.Errorf("build of the lost push: branch %q, message %q; want main, %q", b.Branch, b.Message, janitor.ReconcileMessage)
	}
	if b = sys.waitFinal(b.ID, buildWithin); b.State != pipeline.Success {
		t.Fatalf("build of the lost push %s at %q: %s", b.State, b.FailedStep, b.Error)
	}
	if _, got := invoke(t, sys.svc, plan.DeployName(owner, "fns", "", "version"), "GET", ""); got != v2 {
		t.Errorf("the function answers %q, want the lost push's %q", got, v2)
	}
	if n := len(sys.builds(owner, "fns")); n != 2 {
		t.Errorf("%d builds, want the push's and the reconciler's one", n)
	}
}
