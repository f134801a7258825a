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

// forkRepo is a repository with production deployed from main, and a pull
// request #12 from the main branch of a fork of it.
type forkRepo struct {
	owner, forkOwner string
	repo             *gittest.Repo
	mainSHA, headSHA string
}

func newForkRepo(t *testing.T, sys *system, owner string) *forkRepo {
	t.Helper()
	fr := &forkRepo{owner: owner, forkOwner: "outsider-" + randomID()}
	removeFunctionsAtEnd(t, sys.svc, fr.owner)
	fr.repo = gittest.NewServer(t).NewRepo(fr.owner, "functions", "main")
	fr.mainSHA = fr.repo.Commit("main", "Add functions", sampleFiles())
	sys.pushed(fixture.Push{Owner: fr.owner, Repo: "functions", CloneURL: fr.repo.CloneURL,
		DefaultBranch: "main", Branch: "main", After: fr.mainSHA})
	// The forge serves a fork's head from the repository itself, as
	// GitHub does under refs/pull/12/head.
	files := sampleFiles()
	files["greet/handler.go"] = strings.Replace(greetHandler, `"%s, %s"`, `"%s from a fork, %s"`, 1)
	fr.headSHA = fr.repo.Commit("pull-12-head", "Greet from a fork", files)
	return fr
}

func (fr *forkRepo) pullRequest(t *testing.T, sys *system, action string) pipeline.Build {
	t.Helper()
	body, err := fixture.GitHubPullRequest(fixture.PullRequest{Owner: fr.owner, Repo: "functions", CloneURL: fr.repo.CloneURL,
		DefaultBranch: "main", Number: 12, Action: action, Branch: "main", Head: fr.headSHA, Fork: fr.forkOwner})
	if err != nil {
		t.Fatal(err)
	}
	r := sys.deliver(delivery{Event: "pull_request", ID: "delivery-" + randomID(), Body: body})
	if r.Code != 202 || r.BuildID == 0 {
		t.Fatalf("pull request %s answered %d %+v, want 202 with a build", action, r.Code, r)
	}
	b := sys.waitFinal(r.BuildID, buildWithin)
	if b.State != pipeline.Success {
		t.Fatalf("build %d of pull request %s: %s at %q: %s", b.ID, action, b.State, b.FailedStep, b.Error)
	}
	return b
}

// A pull request from a fork is built and checked, but its code runs
// nowhere, since it would get the functions' secrets; a repository that
// trusts its forks gets previews from them. Either way the fork's branch,
// here main, is not mistaken for the repository's own.
func TestForkPullRequests(t *testing.T) {
	trustedOwner := "e2e-" + randomID()
	sys := newSystemWith(t, 1, "OFC_FORK_PREVIEWS="+trustedOwner+"/functions")
	untrusted := newForkRepo(t, sys, "e2e-"+randomID())
	trusted := newForkRepo(t, sys, trustedOwner)
	gw := gatewayClient(t, sys.svc)
	ctx := context.Background()

	t.Run("untrusted", func(t *testing.T) {
		fr := untrusted
		b := fr.pullRequest(t, sys, "opened")
		for _, fb := range b.Functions {
			if _, err := gw.Get(ctx, fb.DeployName); err == nil {
				t.Errorf("the fork's %s was deployed as %s", fb.Name, fb.DeployName)
			}
			if st := sys.last(fr.headSHA, "ofc/"+fb.Name); st.State != "success" || !strings.Contains(st.Description, "not deployed: the pull request comes from a fork") {
				t.Errorf("status of %s on the fork's head: %+v", fb.Name, st)
			}
		}
		if code, got := invoke(t, sys.svc, plan.DeployName(fr.owner, "functions", "", "greet"), http.MethodPost, "world"); code != 200 || got != "Hello, world" {
			t.Errorf("production greet = %d %q, want it untouched", code, got)
		}
		comment := onlyPreviewComment(t, sys, fr.owner, 12)
		if !strings.Contains(comment.Body, "Not deployed: the pull request comes from a fork") || strings.Contains(comment.Body, "/function/") {
			t.Errorf("comment on the fork's pull request:\n%s", comment.Body)
		}
		fr.pullRequest(t, sys, "closed")
		if after := onlyPreviewComment(t, sys, fr.owner, 12); after.Body != comment.Body {
			t.Errorf("closing the fork's pull request rewrote its comment:\n%s", after.Body)
		}
	})

	t.Run("trusted", func(t *testing.T) {
		fr := trusted
		b := fr.pullRequest(t, sys, "opened")
		if b.Branch != pipeline.ForkBranch(12) {
			t.Errorf("the fork's pull request built on branch %q, want %q", b.Branch, pipeline.ForkBranch(12))
		}
		preview := plan.DeployName(fr.owner, "functions", pipeline.ForkBranch(12), "greet")
		if code, got := invoke(t, sys.svc, preview, http.MethodPost, "world"); code != 200 || got != "Hello from a fork, world" {
			t.Errorf("fork preview greet = %d %q", code, got)
		}
		if code, got := invoke(t, sys.svc, plan.DeployName(fr.owner, "functions", "", "greet"), http.MethodPost, "world"); code != 200 || got != "Hello, world" {
			t.Errorf("production greet = %d %q: the fork's main branch reached production", code, got)
		}
		if c := onlyPreviewComment(t, sys, fr.owner, 12); !strings.Contains(c.Body, sys.svc.GatewayURL+"/function/"+preview) {
			t.Errorf("the comment does not link the fork's preview:\n%s", c.Body)
		}
		cleanup := fr.pullRequest(t, sys, "closed")
		if _, err := gw.Get(ctx, preview); err == nil {
			t.Errorf("fork preview %s is still on the gateway after the close", preview)
		}
		if len(cleanup.Functions) != 3 {
			t.Errorf("the cleanup removed %+v, want the 3 previews", cleanup.Functions)
		}
	})
}
