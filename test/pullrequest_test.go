package test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
	"github.com/ofcbuild/ofc/registry"
	"github.com/ofcbuild/ofc/status/github/githubtest"
)

// branchRepo is a repository with production deployed from main and a
// branch pushed, as a pull request starts.
type branchRepo struct {
	sys                 *system
	owner               string
	repo                *gittest.Repo
	mainSHA, branchSHA  string
	branch              string
	previews, prodNames map[string]string
}

func newBranchRepo(t *testing.T, sys *system, branch string) *branchRepo {
	t.Helper()
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	git := gittest.NewServer(t)
	br := &branchRepo{sys: sys, owner: owner, repo: git.NewRepo(owner, "functions", "main"), branch: branch,
		previews: map[string]string{}, prodNames: map[string]string{}}
	br.mainSHA = br.repo.Commit("main", "Add functions", sampleFiles())
	br.succeeds(t, br.sys.push(br.pushOf("main", "", br.mainSHA), "delivery-"+randomID()))
	files := sampleFiles()
	files["greet/handler.go"] = strings.Replace(greetHandler, `"%s, %s"`, `"%s from the branch, %s"`, 1)
	br.branchSHA = br.repo.Commit(branch, "Try a new greeting", files)
	br.succeeds(t, br.sys.push(br.pushOf(branch, br.mainSHA, br.branchSHA), "delivery-"+randomID()))
	for _, fn := range []string{"greet", "reverse", "static"} {
		br.previews[fn] = plan.DeployName(owner, "functions", branch, fn)
		br.prodNames[fn] = plan.DeployName(owner, "functions", "", fn)
	}
	return br
}

func (br *branchRepo) pushOf(branch, before, after string) fixture.Push {
	return fixture.Push{Owner: br.owner, Repo: "functions", CloneURL: br.repo.CloneURL,
		DefaultBranch: "main", Branch: branch, Before: before, After: after}
}

// succeeds waits for the build r queued and fails t unless it succeeded.
func (br *branchRepo) succeeds(t *testing.T, r reply) pipeline.Build {
	t.Helper()
	if r.Code != 202 || r.BuildID == 0 {
		t.Fatalf("delivery answered %d %+v, want 202 with a build", r.Code, r)
	}
	b := br.sys.waitFinal(r.BuildID, buildWithin)
	if b.State != pipeline.Success {
		t.Fatalf("build %d: %s at %q: %s", b.ID, b.State, b.FailedStep, b.Error)
	}
	return b
}

func (br *branchRepo) pullRequest(t *testing.T, action string, number int) reply {
	t.Helper()
	body, err := fixture.GitHubPullRequest(fixture.PullRequest{Owner: br.owner, Repo: "functions",
		CloneURL: br.repo.CloneURL, DefaultBranch: "main", Number: number, Action: action,
		Branch: br.branch, Head: br.branchSHA, Merged: action == "closed"})
	if err != nil {
		t.Fatal(err)
	}
	return br.sys.deliver(delivery{Event: "pull_request", ID: "delivery-" + randomID(), Body: body})
}

// assertCleanedUp checks that the branch's previews are gone from the
// gateway and the cleanup's record, their images from the registry, and
// that production still answers.
func (br *branchRepo) assertCleanedUp(t *testing.T, cleanup pipeline.Build) {
	t.Helper()
	ctx := context.Background()
	gw := gatewayClient(t, br.sys.svc)
	reg, err := registry.New(registry.Config{Host: br.sys.svc.Registry, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	removed := map[string]bool{}
	for _, fb := range cleanup.Functions {
		removed[fb.DeployName] = true
	}
	for fn, name := range br.previews {
		if _, err := gw.Get(ctx, name); err == nil {
			t.Errorf("preview %s is still on the gateway", name)
		}
		if !removed[name] {
			t.Errorf("the cleanup's record does not list %s: %+v", name, cleanup.Functions)
		}
		// The branch's image is pruned, unless it is the very manifest
		// production runs (a function the branch did not change builds to
		// the same digest): a registry deletes manifests, not tags.
		prodDigest, ok, _ := reg.Exists(ctx, reg.Ref(br.owner, "functions", fn, br.mainSHA))
		if !ok {
			t.Errorf("production image of %s was pruned", fn)
		}
		digest, ok, err := reg.Exists(ctx, reg.Ref(br.owner, "functions", fn, br.branchSHA))
		if err != nil || ok && digest != prodDigest {
			t.Errorf("image of %s at the branch's commit is still in the registry (err %v)", fn, err)
		}
		if fn == "greet" && ok {
			t.Errorf("the branch's own greet image was not pruned")
		}
	}
	if code, got := invoke(t, br.sys.svc, br.prodNames["greet"], http.MethodPost, "world"); code != 200 || got != "Hello, world" {
		t.Errorf("production greet after the cleanup = %d %q", code, got)
	}
}

func TestPullRequestGetsStatusesAndItsPreviewsGoWhenItCloses(t *testing.T) {
	sys := newSystem(t, 1)
	br := newBranchRepo(t, sys, "feature/x")

	b := br.succeeds(t, br.pullRequest(t, "opened", 12))
	if b.Commit != br.branchSHA || b.Branch != "feature/x" {
		t.Errorf("pull request build of %s@%s, want feature/x@%s", b.Branch, b.Commit, br.branchSHA)
	}
	gw := gatewayClient(t, sys.svc)
	for fn, name := range br.previews {
		got, err := gw.Get(context.Background(), name)
		if err != nil || got.Labels[pipeline.LabelPullRequest] != "12" {
			t.Errorf("preview %s: %+v, %v; want it labelled with pull request 12", fn, got.Labels, err)
		}
	}
	for _, ctxName := range []string{"ofc", "ofc/greet", "ofc/reverse", "ofc/static"} {
		if st := sys.last(br.branchSHA, ctxName); st.State != "success" || !strings.HasSuffix(st.TargetURL, "/builds/"+strconv.FormatInt(b.ID, 10)) {
			t.Errorf("status %s on the head commit: %+v, want success linking the pull request's build", ctxName, st)
		}
	}
	if code, got := invoke(t, sys.svc, br.previews["greet"], http.MethodPost, "world"); code != 200 || got != "Hello from the branch, world" {
		t.Errorf("preview greet = %d %q", code, got)
	}

	comment := br.previewComment(t, 12)
	for _, name := range br.previews {
		if !strings.Contains(comment.Body, sys.svc.GatewayURL+"/function/"+name) {
			t.Errorf("the comment does not link preview %s:\n%s", name, comment.Body)
		}
	}

	// A new push to the branch: the same comment is edited, no second one.
	files := sampleFiles()
	files["greet/handler.go"] = strings.Replace(greetHandler, `"%s, %s"`, `"%s again from the branch, %s"`, 1)
	before := br.branchSHA
	br.branchSHA = br.repo.Commit(br.branch, "Greet again", files)
	br.succeeds(t, sys.push(br.pushOf(br.branch, before, br.branchSHA), "delivery-"+randomID()))
	br.succeeds(t, br.pullRequest(t, "synchronize", 12))
	edited := br.previewComment(t, 12)
	if edited.ID != comment.ID || edited.Edits == 0 || !strings.Contains(edited.Body, br.branchSHA[:7]) {
		t.Errorf("after synchronize the comment is %+v, want comment %d edited to name %s", edited, comment.ID, br.branchSHA[:7])
	}
	if code, got := invoke(t, sys.svc, br.previews["greet"], http.MethodPost, "world"); code != 200 || got != "Hello again from the branch, world" {
		t.Errorf("preview greet after synchronize = %d %q", code, got)
	}

	cleanup := br.succeeds(t, br.pullRequest(t, "closed", 12))
	br.assertCleanedUp(t, cleanup)
	if closed := br.previewComment(t, 12); !strings.Contains(closed.Body, "Previews removed") {
		t.Errorf("after close the comment says:\n%s", closed.Body)
	}
}

// previewComment returns the pull request's one preview comment, failing
// t when there is none or more than one.
func (br *branchRepo) previewComment(t *testing.T, number int) githubtest.Comment {
	t.Helper()
	return onlyPreviewComment(t, br.sys, br.owner, number)
}

// onlyPreviewComment returns the one preview comment on pull request
// number of owner/functions, failing t when there is none or more than one.
func onlyPreviewComment(t *testing.T, sys *system, owner string, number int) githubtest.Comment {
	t.Helper()
	var ours []githubtest.Comment
	for _, c := range sys.GitHub.Comments(owner, "functions", number) {
		if strings.HasPrefix(c.Body, pipeline.CommentMarker) {
			ours = append(ours, c)
		}
	}
	if len(ours) != 1 {
		t.Fatalf("pull request #%d has %d preview comments, want 1: %+v", number, len(ours), ours)
	}
	return ours[0]
}

func TestDeletingABranchRemovesItsPreviews(t *testing.T) {
	sys := newSystem(t, 1)
	br := newBranchRepo(t, sys, "try/something")
	body, err := fixture.GitHubDelete(br.owner, "functions", br.repo.CloneURL, "main", br.branch)
	if err != nil {
		t.Fatal(err)
	}
	cleanup := br.succeeds(t, sys.deliver(delivery{Event: "delete", ID: "delivery-" + randomID(), Body: body}))
	br.assertCleanedUp(t, cleanup)
}
