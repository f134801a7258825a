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
	"github.com/ofcbuild/ofc/status/gitlab/gitlabtest"
)

// gitlabRepo drives one GitLab project through the webhook.
type gitlabRepo struct {
	t     *testing.T
	sys   *system
	group string
	repo  *gittest.Repo
}

func (g *gitlabRepo) succeeds(r reply) pipeline.Build {
	g.t.Helper()
	if r.Code != 202 || r.BuildID == 0 {
		g.t.Fatalf("GitLab delivery answered %d %+v, want 202 with a build", r.Code, r)
	}
	b := g.sys.waitFinal(r.BuildID, buildWithin)
	if b.State != pipeline.Success {
		g.t.Fatalf("build %d: %s at %q: %s", b.ID, b.State, b.FailedStep, b.Error)
	}
	return b
}

func (g *gitlabRepo) push(branch, before, after string) reply {
	g.t.Helper()
	body, err := fixture.GitLabPush(fixture.Push{Owner: g.group, Repo: "functions", CloneURL: g.repo.CloneURL,
		DefaultBranch: "main", Branch: branch, Before: before, After: after})
	if err != nil {
		g.t.Fatal(err)
	}
	return g.sys.deliverGitLab("Push Hook", body)
}

func (g *gitlabRepo) mergeRequest(action, branch, head string, iid int) reply {
	g.t.Helper()
	body, err := fixture.GitLabMergeRequest(fixture.PullRequest{Owner: g.group, Repo: "functions",
		CloneURL: g.repo.CloneURL, DefaultBranch: "main", Number: iid, Action: action, Branch: branch, Head: head})
	if err != nil {
		g.t.Fatal(err)
	}
	return g.sys.deliverGitLab("Merge Request Hook", body)
}

// previewNote returns merge request iid's one preview note.
func (g *gitlabRepo) previewNote(iid int) gitlabtest.Note {
	g.t.Helper()
	var ours []gitlabtest.Note
	for _, n := range g.sys.GitLab.Notes(g.group+"/functions", iid) {
		if strings.HasPrefix(n.Body, pipeline.CommentMarker) {
			ours = append(ours, n)
		}
	}
	if len(ours) != 1 {
		g.t.Fatalf("merge request !%d has %d preview notes, want 1: %+v", iid, len(ours), ours)
	}
	return ours[0]
}

// GitLab on par with GitHub: a push deploys, a merge request gets
// statuses and one note that is edited on update, merging it removes its
// previews, and deleting a branch removes that branch's.
func TestGitLabPushMergeRequestAndBranchDeletion(t *testing.T) {
	sys := newSystem(t, 1)
	group := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, group)
	g := &gitlabRepo{t: t, sys: sys, group: group, repo: gittest.NewServer(t).NewRepo(group, "functions", "main")}
	ctx := context.Background()
	gw := gatewayClient(t, sys.svc)

	mainSHA := g.repo.Commit("main", "Add functions", sampleFiles())
	g.succeeds(g.push("main", "", mainSHA))
	production := plan.DeployName(group, "functions", "", "greet")
	if code, got := invoke(t, sys.svc, production, http.MethodPost, "world"); code != 200 || got != "Hello, world" {
		t.Errorf("production greet = %d %q", code, got)
	}

	files := sampleFiles()
	files["greet/handler.go"] = strings.Replace(greetHandler, `"%s, %s"`, `"%s from GitLab, %s"`, 1)
	branchSHA := g.repo.Commit("feature/x", "Greet from GitLab", files)
	g.succeeds(g.push("feature/x", mainSHA, branchSHA))
	latest := gitlabtest.Latest(sys.GitLab.Statuses(branchSHA))
	for _, name := range []string{"ofc", "ofc/greet", "ofc/reverse", "ofc/static"} {
		if st := latest[name]; st.State != "success" || st.Project != group+"/functions" || st.Ref != "feature/x" {
			t.Errorf("GitLab status %s on the branch's commit: %+v, want success on feature/x", name, st)
		}
	}
	preview := plan.DeployName(group, "functions", "feature/x", "greet")
	if code, got := invoke(t, sys.svc, preview, http.MethodPost, "world"); code != 200 || got != "Hello from GitLab, world" {
		t.Errorf("preview greet = %d %q", code, got)
	}

	g.succeeds(g.mergeRequest("open", "feature/x", branchSHA, 4))
	note := g.previewNote(4)
	if !strings.Contains(note.Body, sys.svc.GatewayURL+"/function/"+preview) {
		t.Errorf("the note does not link the preview:\n%s", note.Body)
	}
	secondSHA := g.repo.Commit("feature/x", "Greet again", sampleFiles())
	g.succeeds(g.push("feature/x", branchSHA, secondSHA))
	g.succeeds(g.mergeRequest("update", "feature/x", secondSHA, 4))
	if edited := g.previewNote(4); edited.ID != note.ID || edited.Edits == 0 || !strings.Contains(edited.Body, secondSHA[:7]) {
		t.Errorf("after the update the note is %+v, want note %d edited to name %s", edited, note.ID, secondSHA[:7])
	}

	g.succeeds(g.mergeRequest("merge", "feature/x", secondSHA, 4))
	if _, err := gw.Get(ctx, preview); err == nil {
		t.Errorf("preview %s is still on the gateway after the merge", preview)
	}
	if n := g.previewNote(4); !strings.Contains(n.Body, "Previews removed") {
		t.Errorf("after the merge the note says:\n%s", n.Body)
	}
	if code, got := invoke(t, sys.svc, production, http.MethodPost, "world"); code != 200 || got != "Hello, world" {
		t.Errorf("production greet after the merge = %d %q", code, got)
	}

	// A branch pushed, then deleted with a push of zeros.
	ySHA := g.repo.Commit("try/y", "Try y", sampleFiles())
	g.succeeds(g.push("try/y", mainSHA, ySHA))
	yPreview := plan.DeployName(group, "functions", "try/y", "reverse")
	if _, err := gw.Get(ctx, yPreview); err != nil {
		t.Fatalf("preview of try/y not deployed: %v", err)
	}
	g.succeeds(g.push("try/y", ySHA, strings.Repeat("0", 40)))
	if _, err := gw.Get(ctx, yPreview); err == nil {
		t.Errorf("preview %s is still on the gateway after its branch was deleted", yPreview)
	}
}
