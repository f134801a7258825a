package test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// A rollback through the CLI puts production back on the last good build
// before the live one, recorded with who asked; the next push moves
// forward from there as from any older commit.
func TestRollbackThroughTheCLI(t *testing.T) {
	sys := newSystemWith(t, 1, "OFC_API_TOKENS=alice:write:"+writeToken+",ci:read:"+readToken)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	repo := gittest.NewServer(t).NewRepo(owner, "site", "main")
	page := func(v string) map[string]string {
		return map[string]string{
			"stack.yml":       "functions:\n  page:\n    lang: dockerfile\n    handler: ./page\n",
			"page/Dockerfile": pageDockerfile, "page/index.html": v + "\n",
		}
	}
	answers := func(want string) {
		t.Helper()
		name := plan.DeployName(owner, "site", "", "page")
		if a := call(t, sys.svc, name, http.MethodGet, "/index.html", "", ""); a.status != 200 || a.body != want+"\n" {
			t.Errorf("page = %d %q, want %q", a.status, a.body, want)
		}
	}
	var before string
	push := func(v string) pipeline.Build {
		t.Helper()
		sha := repo.Commit("main", v, page(v))
		b := sys.pushed(fixture.Push{Owner: owner, Repo: "site", CloneURL: repo.CloneURL, DefaultBranch: "main",
			Branch: "main", Before: before, After: sha})
		before = sha
		return b
	}
	v1 := push("v1")
	push("v2")
	answers("v2")

	if code, _, errOut := sys.ofc(readToken, "rollback", owner+"/site"); code != 3 {
		t.Errorf("ofc rollback with a read token = %d %q, want refused", code, errOut)
	}
	code, out, errOut := sys.ofc(writeToken, "rollback", owner+"/site")
	m := queuedBuild.FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("ofc rollback = %d %q %q", code, out, errOut)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	rb := sys.waitFinal(id, buildWithin)
	if rb.State != pipeline.Success || rb.Commit != v1.Commit {
		t.Fatalf("rollback build: %s %q at %s, want success at v1's %s", rb.State, rb.Error, rb.Commit, v1.Commit)
	}
	answers("v1")
	var actions struct {
		Actions []pipeline.Action `json:"actions"`
	}
	sys.getJSON(fmt.Sprintf("/api/builds/%d/actions", id), &actions)
	if len(actions.Actions) != 1 || actions.Actions[0].By != "alice" || actions.Actions[0].Kind != pipeline.ActionRollback {
		t.Errorf("actions of the rollback = %+v, want alice's rollback", actions.Actions)
	}

	// The next push descends from v2, not from v1: it moves forward all
	// the same.
	push("v3")
	answers("v3")
}
