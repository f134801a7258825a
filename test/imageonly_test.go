package test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/fnimage"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
	"github.com/ofcbuild/ofc/registry"
	"github.com/ofcbuild/ofc/status/github/githubtest"
)

// cronConnectorStack is the cron-connector's sample stack file: one
// function with only an image, a Docker Hub one.
const cronConnectorStack = "../../shared/fixtures/stack-files/openfaas__cron-connector__sample__stack.yml"

// imageOnlyStack has a function to build, one with only an image (tool),
// and one whose build is skipped (skipped), both deployed from image.
func imageOnlyStack(image string) string {
	return "version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n" +
		"  static:\n    lang: dockerfile\n    handler: ./static\n    build_args:\n      MESSAGE: built-with-build-arg\n" +
		"  tool:\n    image: " + image + "\n    environment:\n      MODE: image-only\n" +
		"  skipped:\n    lang: dockerfile\n    handler: ./static\n    skip_build: true\n    image: " + image + "\n"
}

// Functions with no lang, or with skip_build, are deployed from their
// image as they are, pinned by digest, beside the functions built; the
// cron-connector's sample deploys its Docker Hub image (from the dev
// stack's mirror of Docker Hub). An image that does not exist fails its
// function alone, saying so, and production keeps what it ran.
func TestImageOnlyFunctions(t *testing.T) {
	svc := requireServices(t)
	sys := newSystemWith(t, 1, "OFC_REGISTRY_MIRROR="+svc.Registry)
	ctx := context.Background()
	id := randomID()
	owner := "e2e-" + id
	removeFunctionsAtEnd(t, svc, owner)

	toolRef := svc.Registry + "/e2e/imageonly-" + id + ":v1"
	toolPinned, err := fnimage.Push(ctx, svc.Registry, "e2e/imageonly-"+id, "v1", fnimage.Image{Answer: "from its image " + id})
	if err != nil {
		t.Fatal(err)
	}
	// The mirror answers for Docker Hub, as buildkitd and the gateway
	// here use it; the image is the same for every run.
	nodeinfoPinned, err := fnimage.Push(ctx, svc.Registry, "functions/nodeinfo", "latest", fnimage.Image{Answer: "nodeinfo"})
	if err != nil {
		t.Fatal(err)
	}
	cron, err := os.ReadFile(cronConnectorStack)
	if err != nil {
		t.Fatal(err)
	}

	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "functions", "main")
	files := map[string]string{
		"stack.yml":         imageOnlyStack(toolRef),
		"static/Dockerfile": staticDockerfile,
	}
	sha := repo.Commit("main", "Deploy a tool from its image", files)
	push := func(before, after string) pipeline.Build {
		t.Helper()
		r := sys.push(fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
			DefaultBranch: "main", Branch: "main", Before: before, After: after}, "delivery-"+randomID())
		if r.Code != 202 || r.BuildID == 0 {
			t.Fatalf("push answered %d %+v, want 202 with a build id", r.Code, r)
		}
		return sys.waitFinal(r.BuildID, buildWithin)
	}
	b := push("", sha)
	if b.State != pipeline.Success {
		t.Fatalf("build %s at step %q: %s\n%s", b.State, b.FailedStep, b.Error, sys.logText(b.ID))
	}

	gw := gatewayClient(t, svc)
	toolDigest := toolPinned[strings.Index(toolPinned, "@")+1:]
	byName := map[string]pipeline.FunctionBuild{}
	for _, fb := range b.Functions {
		byName[fb.Name] = fb
	}
	for _, name := range []string{"tool", "skipped"} {
		fb := byName[name]
		if fb.State != pipeline.Success || fb.Image != toolRef+"@"+toolDigest || fb.Digest != toolDigest {
			t.Errorf("%s recorded as %+v, want deployed from %s", name, fb, toolPinned)
		}
		if fn, err := gw.Get(ctx, fb.DeployName); err != nil || fn.Image != toolPinned {
			t.Errorf("gateway runs %s as %q (%v), want %s", fb.DeployName, fn.Image, err, toolPinned)
		}
		want := "deployed " + fb.DeployName + " from its image " + toolRef + " (" + toolDigest + "), not built"
		var page struct {
			Lines []pipeline.LogLine `json:"lines"`
		}
		sys.getJSON("/api/builds/"+itoa(b.ID)+"/logs?function="+name, &page)
		var log strings.Builder
		for _, l := range page.Lines {
			log.WriteString(l.Text + "\n")
		}
		if !strings.Contains(log.String(), want) || strings.Contains(log.String(), "pushed ") {
			t.Errorf("%s's log does not say %q, or says it was built:\n%s", name, want, log.String())
		}
		if st := sys.states(sha, "ofc/"+name); len(st) == 0 || st[len(st)-1] != "success" {
			t.Errorf("ofc/%s went %v, want success", name, st)
		}
	}
	tool := plan.DeployName(owner, "functions", "", "tool")
	if code, got := invoke(t, svc, tool, http.MethodGet, ""); code != 200 || got != "from its image "+id {
		t.Errorf("GET /function/%s = %d %q, want the image's answer", tool, code, got)
	}
	static := plan.DeployName(owner, "functions", "", "static")
	if code, got := invoke(t, svc, static, http.MethodGet, ""); code != 200 || got != "built-with-build-arg\n" {
		t.Errorf("GET /function/%s = %d %q, want the built function's answer", static, code, got)
	}
	if fb := byName["static"]; fb.State != pipeline.Success || pipeline.NotBuilt(fb.Image) {
		t.Errorf("static recorded as %+v, want built", fb)
	}

	// The cron-connector's sample stack file, as it is.
	t.Run("cron-connector", func(t *testing.T) {
		files := map[string]string{"stack.yml": string(cron)}
		cronRepo := git.NewRepo(owner, "cron", "main")
		sha := cronRepo.Commit("main", "The cron-connector's sample", files)
		r := sys.push(fixture.Push{Owner: owner, Repo: "cron", CloneURL: cronRepo.CloneURL,
			DefaultBranch: "main", Branch: "main", After: sha}, "delivery-"+randomID())
		b := sys.waitFinal(r.BuildID, buildWithin)
		if b.State != pipeline.Success || len(b.Functions) != 1 {
			t.Fatalf("build %s at %q: %s (%+v)\n%s", b.State, b.FailedStep, b.Error, b.Functions, sys.logText(b.ID))
		}
		fb := b.Functions[0]
		if fb.Name != "nodeinfo" || fb.ImageByDigest() != "functions/nodeinfo"+nodeinfoPinned[strings.Index(nodeinfoPinned, "@"):] {
			t.Errorf("nodeinfo recorded as %+v, want functions/nodeinfo:latest pinned as %s", fb, nodeinfoPinned)
		}
		fn, err := gw.Get(ctx, fb.DeployName)
		if err != nil || fn.Annotations["topic"] != "cron-function" || fn.Annotations["schedule"] != "* * * * *" {
			t.Errorf("gateway has %s as %+v (%v), want the cron annotations", fb.DeployName, fn, err)
		}
		if code, got := invoke(t, svc, fb.DeployName, http.MethodGet, ""); code != 200 || got != "nodeinfo" {
			t.Errorf("GET /function/%s = %d %q", fb.DeployName, code, got)
		}
	})

	// An image that does not exist: that function fails, the other
	// deploys, and production keeps running the tool it had.
	missing := svc.Registry + "/e2e/imageonly-" + id + ":missing"
	files["stack.yml"] = strings.Replace(imageOnlyStack(toolRef), "image: "+toolRef+"\n    environment", "image: "+missing+"\n    environment", 1)
	files["static/Dockerfile"] = strings.Replace(staticDockerfile, "$MESSAGE", "again-$MESSAGE", 1)
	sha2 := repo.Commit("main", "Name an image that does not exist", files)
	b = push(sha, sha2)
	if b.State != pipeline.Failure {
		t.Fatalf("build %s, want a failure", b.State)
	}
	for _, fb := range b.Functions {
		switch fb.Name {
		case "tool":
			if fb.State != pipeline.Failure || fb.FailedStep != pipeline.StepDeploy || !strings.Contains(fb.Error, "image "+missing+" does not exist") {
				t.Errorf("tool recorded as %+v, want failed at deploy saying %s does not exist", fb, missing)
			}
		default:
			if fb.State != pipeline.Success {
				t.Errorf("%s recorded as %+v, want it deployed", fb.Name, fb)
			}
		}
	}
	if st := sys.GitHub.Statuses(sha2); !hasStatus(st, "ofc/tool", "failure", missing) {
		t.Errorf("statuses of %s: %+v, want ofc/tool failed naming %s", sha2, st, missing)
	}
	if code, got := invoke(t, svc, static, http.MethodGet, ""); code != 200 || got != "again-built-with-build-arg\n" {
		t.Errorf("GET /function/%s = %d %q, want the new build's answer", static, code, got)
	}
	if code, got := invoke(t, svc, tool, http.MethodGet, ""); code != 200 || got != "from its image "+id {
		t.Errorf("GET /function/%s = %d %q, want it still running its image", tool, code, got)
	}
}

// A preview that deploys an image of the service's own registry, which
// the service did not build, is removed with its branch; the branch's
// built images are pruned, and that image is left alone.
func TestImageOnlyPreviewCleanupLeavesTheImage(t *testing.T) {
	svc := requireServices(t)
	sys := newSystem(t, 1)
	ctx := context.Background()
	id := randomID()
	owner := "e2e-" + id
	removeFunctionsAtEnd(t, svc, owner)
	reg, err := registry.New(registry.Config{Host: svc.Registry, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	// The image lives where the service's own would: the repository's
	// path in the service's registry.
	toolRepo := strings.TrimPrefix(reg.Repository(owner, "functions", "tool"), svc.Registry+"/")
	toolPinned, err := fnimage.Push(ctx, svc.Registry, toolRepo, "handmade", fnimage.Image{Answer: "handmade " + id})
	if err != nil {
		t.Fatal(err)
	}
	toolRef := svc.Registry + "/" + toolRepo + ":handmade"

	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "functions", "main")
	files := map[string]string{"stack.yml": imageOnlyStack(toolRef), "static/Dockerfile": staticDockerfile}
	sha := repo.Commit("try/tool", "Try a tool", files)
	r := sys.push(fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "try/tool", After: sha}, "delivery-"+randomID())
	b := sys.waitFinal(r.BuildID, buildWithin)
	if b.State != pipeline.Success {
		t.Fatalf("preview build %s at %q: %s\n%s", b.State, b.FailedStep, b.Error, sys.logText(b.ID))
	}
	preview := plan.DeployName(owner, "functions", "try/tool", "tool")
	if code, got := invoke(t, svc, preview, http.MethodGet, ""); code != 200 || got != "handmade "+id {
		t.Fatalf("GET /function/%s = %d %q", preview, code, got)
	}

	body, err := fixture.GitHubDelete(owner, "functions", repo.CloneURL, "main", "try/tool")
	if err != nil {
		t.Fatal(err)
	}
	r = sys.deliver(delivery{Event: "delete", ID: "delivery-" + randomID(), Body: body})
	if cleanup := sys.waitFinal(r.BuildID, buildWithin); cleanup.State != pipeline.Success {
		t.Fatalf("cleanup %s: %s", cleanup.State, cleanup.Error)
	}
	if _, err := gatewayClient(t, svc).Get(ctx, preview); err == nil {
		t.Errorf("preview %s is still on the gateway", preview)
	}
	if digest, ok, err := reg.Exists(ctx, toolRef); err != nil || !ok || digest != toolPinned[strings.Index(toolPinned, "@")+1:] {
		t.Errorf("after the cleanup, %s is %q (found %v, %v); want it left as it was", toolRef, digest, ok, err)
	}
	if _, ok, err := reg.Exists(ctx, reg.Ref(owner, "functions", "static", sha)); ok || err != nil {
		t.Errorf("the branch's built static image is still there (%v), want it pruned", err)
	}
}

// hasStatus reports whether statuses hold context in state with a
// description containing text.
func hasStatus(statuses []githubtest.Status, context, state, text string) bool {
	for _, st := range statuses {
		if st.Context == context && st.State == state && strings.Contains(st.Description, text) {
			return true
		}
	}
	return false
}
