package test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// frontHandler calls another function through the gateway, at the URL the
// handler is built with, and wraps its answer.
const frontHandler = `package function

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// Handle asks back, through the gateway, and wraps its answer.
func Handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	url := %s
	fmt.Fprintln(os.Stderr, "calling", url)
	res, err := http.Post(url, "text/plain", strings.NewReader(string(body)))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	fmt.Fprintf(w, "front(%%d %%s)", res.StatusCode, answer)
}
`

// backHandler answers with its version and the body.
const backHandler = `package function

import (
	"fmt"
	"io"
	"net/http"
)

// Handle says which version answers.
func Handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "back %%s: %%s", %q, body)
}
`

// siblingsFiles is a repository whose function front calls back, at the
// address the expression url gives, with back answering as version.
func siblingsFiles(front, back, url, version string) map[string]string {
	return map[string]string{
		"stack.yml": fmt.Sprintf("version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n"+
			"  %s:\n    lang: golang-middleware\n    handler: ./front\n"+
			"  %s:\n    lang: golang-middleware\n    handler: ./back\n", front, back),
		"front/go.mod":     goMod,
		"front/handler.go": fmt.Sprintf(frontHandler, url),
		"back/go.mod":      goMod,
		"back/handler.go":  fmt.Sprintf(backHandler, version),
	}
}

// What the service hands every function: the gateway's address and the
// deployed name of each function of its stack file and branch.
const siblingURL = `os.Getenv("OFC_GATEWAY_URL") + "/function/" + os.Getenv("OFC_FUNCTION_BACK")`

// front calls back by the names it is given: in production through both
// production functions, on a branch through the branch's previews only.
func TestFunctionsCallTheirSiblings(t *testing.T) {
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "shop", "main")
	push := func(branch, before, sha string) pipeline.Build {
		t.Helper()
		b := sys.pushed(fixture.Push{Owner: owner, Repo: "shop", CloneURL: repo.CloneURL,
			DefaultBranch: "main", Branch: branch, Before: before, After: sha})
		if b.State != pipeline.Success {
			t.Fatalf("build of %s = %s: %s", branch, b.State, b.Error)
		}
		return b
	}
	mainSHA := repo.Commit("main", "front and back", siblingsFiles("front", "back", siblingURL, "v1"))
	push("main", "", mainSHA)

	front := plan.DeployName(owner, "shop", "", "front")
	if code, got := invoke(t, sys.svc, front, http.MethodPost, "hi"); code != 200 || got != "front(200 back v1: hi)" {
		t.Fatalf("production front = %d %q, want its answer through back", code, got)
	}

	// back changes on the branch only: the preview of front shows it,
	// production does not.
	branchSHA := repo.Commit("feature", "back v2", siblingsFiles("front", "back", siblingURL, "v2"))
	push("feature", mainSHA, branchSHA)
	preview := plan.DeployName(owner, "shop", "feature", "front")
	if code, got := invoke(t, sys.svc, preview, http.MethodPost, "hi"); code != 200 || got != "front(200 back v2: hi)" {
		t.Errorf("preview front = %d %q, want the preview of back (v2)", code, got)
	}
	if code, got := invoke(t, sys.svc, front, http.MethodPost, "hi"); code != 200 || got != "front(200 back v1: hi)" {
		t.Errorf("production front after the branch push = %d %q, want production back (v1)", code, got)
	}
}

// With plain names, code written for OpenFaaS calls
// http://gateway.openfaas:8080/function/<name> unchanged; a second
// repository that claims one of the names is refused, naming both.
func TestPlainNames(t *testing.T) {
	sys := newSystemWith(t, 1, "OFC_PLAIN_NAMES=true")
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	// Names of their own on the shared gateway, which the cleanup finds.
	frontName, backName := owner+"-front", owner+"-back"
	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "shop", "main")
	url := fmt.Sprintf("%q", "http://gateway.openfaas:8080/function/"+backName)
	sha := repo.Commit("main", "front and back", siblingsFiles(frontName, backName, url, "v1"))
	b := sys.pushed(fixture.Push{Owner: owner, Repo: "shop", CloneURL: repo.CloneURL, DefaultBranch: "main", Branch: "main", After: sha})
	if b.State != pipeline.Success {
		t.Fatalf("build = %s: %s", b.State, b.Error)
	}
	for _, fb := range b.Functions {
		if fb.DeployName != fb.Name {
			t.Errorf("%s deployed as %q, want its own name", fb.Name, fb.DeployName)
		}
	}
	if code, got := invoke(t, sys.svc, frontName, http.MethodPost, "hi"); code != 200 || got != "front(200 back v1: hi)" {
		t.Fatalf("front = %d %q, want back's answer through gateway.openfaas", code, got)
	}

	other := git.NewRepo(owner, "rival", "main")
	otherSHA := other.Commit("main", "the same name", siblingsFiles(owner+"-rival", backName, url, "rival"))
	b = sys.finished(fixture.Push{Owner: owner, Repo: "rival", CloneURL: other.CloneURL, DefaultBranch: "main", Branch: "main", After: otherSHA})
	var refused pipeline.FunctionBuild
	for _, fb := range b.Functions {
		if fb.Name == backName {
			refused = fb
		}
	}
	if refused.State != pipeline.Failure || !strings.Contains(refused.Error, fmt.Sprintf("%s/shop deploys a function of that name already, and %s/rival cannot replace it", owner, owner)) {
		t.Errorf("rival's %s = %s %q, want a refusal naming both repositories", backName, refused.State, refused.Error)
	}
	if code, got := invoke(t, sys.svc, frontName, http.MethodPost, "hi"); code != 200 || got != "front(200 back v1: hi)" {
		t.Errorf("front after the rival's push = %d %q, want the first repository's back still", code, got)
	}
}

// A stack file's namespace reaches the gateway: a namespace the gateway
// has deploys there, one it lacks fails that function alone, saying
// which namespaces there are.
func TestNamespaceReachesTheGateway(t *testing.T) {
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "spaces", "main")
	sha := repo.Commit("main", "two namespaces", map[string]string{
		"stack.yml": "functions:\n" +
			"  here:\n    lang: dockerfile\n    handler: ./static\n    namespace: openfaas-fn\n" +
			"  there:\n    lang: dockerfile\n    handler: ./static\n    namespace: staging\n",
		"static/Dockerfile": staticDockerfile,
	})
	b := sys.finished(fixture.Push{Owner: owner, Repo: "spaces", CloneURL: repo.CloneURL, DefaultBranch: "main", Branch: "main", After: sha})
	got := map[string]pipeline.FunctionBuild{}
	for _, fb := range b.Functions {
		got[fb.Name] = fb
	}
	here := plan.DeployName(owner, "spaces", "", "here")
	if fb := got["here"]; fb.State != pipeline.Success || fb.DeployName != here+".openfaas-fn" {
		t.Errorf("here = %s as %q (%s), want deployed as %s.openfaas-fn", fb.State, fb.DeployName, fb.Error, here)
	}
	if code, body := invoke(t, sys.svc, here, http.MethodGet, ""); code != 200 || body != "unset\n" {
		t.Errorf("here answers %d %q", code, body)
	}
	if fb := got["there"]; fb.State != pipeline.Failure || !strings.Contains(fb.Error, `the gateway has no namespace "staging"; it has openfaas-fn`) {
		t.Errorf("there = %s %q, want a failure naming the namespaces", fb.State, fb.Error)
	}
}
