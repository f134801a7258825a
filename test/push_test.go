package test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/deploy"
	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
	"github.com/ofcbuild/ofc/registry"
)

const buildWithin = 10 * time.Minute

func TestPushBuildsDeploysAndReportsEveryFunction(t *testing.T) {
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "functions", "main")
	sha := repo.Commit("main", "Add three functions", sampleFiles())

	r := sys.push(fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "main", After: sha, Message: "Add three functions"}, "delivery-"+randomID())
	if r.Code != 202 || r.BuildID == 0 {
		t.Fatalf("push answered %d %+v, want 202 with a build id", r.Code, r)
	}

	b := sys.waitFinal(r.BuildID, buildWithin)
	if b.State != pipeline.Success {
		t.Fatalf("build %s at step %q: %s", b.State, b.FailedStep, b.Error)
	}
	if b.Commit != sha || b.Branch != "main" {
		t.Errorf("build recorded %s@%s, want main@%s", b.Branch, b.Commit, sha)
	}
	if len(b.Functions) != 3 {
		t.Fatalf("build has %d function builds, want 3: %+v", len(b.Functions), b.Functions)
	}

	ctx := context.Background()
	reg, err := registry.New(registry.Config{Host: sys.svc.Registry, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	gw := gatewayClient(t, sys.svc)
	for _, fb := range b.Functions {
		if fb.State != pipeline.Success || !strings.HasPrefix(fb.Digest, "sha256:") {
			t.Errorf("function %s: %s, digest %q", fb.Name, fb.State, fb.Digest)
			continue
		}
		wantTag := reg.Ref(owner, "functions", fb.Name, sha)
		if fb.Image != wantTag {
			t.Errorf("function %s pushed as %s, want %s", fb.Name, fb.Image, wantTag)
		}
		digest, ok, err := reg.Exists(ctx, fb.Image)
		if err != nil || !ok || digest != fb.Digest {
			t.Errorf("registry has %s as %q (found %v, err %v), want digest %s", fb.Image, digest, ok, err, fb.Digest)
		}
		fn, err := gw.Get(ctx, fb.DeployName)
		if err != nil {
			t.Errorf("gateway has no %s: %v", fb.DeployName, err)
			continue
		}
		if want := pipeline.RepositoryOf(fb.Image) + "@" + fb.Digest; fn.Image != want {
			t.Errorf("gateway runs %s as %s, want it pinned to %s", fb.DeployName, fn.Image, want)
		}
	}

	names := map[string]string{}
	for _, fb := range b.Functions {
		names[fb.Name] = fb.DeployName
		if want := plan.DeployName(owner, "functions", "", fb.Name); fb.DeployName != want {
			t.Errorf("function %s deployed as %s, want the production name %s", fb.Name, fb.DeployName, want)
		}
	}
	greet, _ := gw.Get(ctx, names["greet"])
	if greet.EnvVars["GREETING"] != "Hello" || greet.Annotations["topic"] != "greetings" ||
		greet.Labels["com.openfaas.scale.min"] != "1" {
		t.Errorf("greet deployed without its stack.yml settings: %+v", greet)
	}

	for _, ctxName := range []string{"ofc", "ofc/greet", "ofc/reverse", "ofc/static"} {
		states := sys.states(sha, ctxName)
		if len(states) < 2 || states[0] != "pending" || states[len(states)-1] != "success" {
			t.Errorf("context %s went %v, want pending ... success", ctxName, states)
		}
	}
	for _, st := range sys.GitHub.Statuses(sha) {
		if !strings.HasSuffix(st.TargetURL, sys.WebhookURL+"/builds/"+itoa(b.ID)) {
			t.Errorf("status %s links %q, not the build", st.Context, st.TargetURL)
		}
	}

	// The build's log is stored: the clone on the build's own stream,
	// BuildKit's steps and the deploy on each function's; the page shows it.
	var logPage struct {
		Lines    []pipeline.LogLine `json:"lines"`
		Complete bool               `json:"complete"`
	}
	sys.getJSON("/api/builds/"+itoa(b.ID)+"/logs?function=greet", &logPage)
	greetLog := ""
	for _, l := range logPage.Lines {
		greetLog += l.Text + "\n"
	}
	if !logPage.Complete || !strings.Contains(greetLog, "RUN ") || !strings.Contains(greetLog, "deployed "+plan.DeployName(owner, "functions", "", "greet")) {
		t.Errorf("greet's stored log (complete %v):\n%s", logPage.Complete, greetLog)
	}
	sys.getJSON("/api/builds/"+itoa(b.ID)+"/logs?function=", &logPage)
	if len(logPage.Lines) == 0 || !strings.HasPrefix(logPage.Lines[0].Text, "fetching ") {
		t.Errorf("the build's own log starts %+v, want the clone", logPage.Lines)
	}

	// Every function answers through the gateway with its handler.
	calls := []struct{ fn, method, body, want string }{
		{"greet", http.MethodPost, "world", "Hello, world"},
		{"reverse", http.MethodPost, "stressed", "desserts"},
		{"static", http.MethodGet, "", "built-with-build-arg\n"},
	}
	for _, c := range calls {
		if code, got := invoke(t, sys.svc, names[c.fn], c.method, c.body); code != 200 || got != c.want {
			t.Errorf("%s /function/%s = %d %q, want 200 %q", c.method, names[c.fn], code, got, c.want)
		}
	}

	// A push that changes a handler changes the answer, and one that
	// drops a function from the stack file removes it from the gateway.
	files := sampleFiles()
	files["greet/handler.go"] = strings.Replace(greetHandler, `"%s, %s"`, `"%s again, %s!"`, 1)
	files["stack.yml"] = sampleStack[:strings.Index(sampleStack, "  static:")]
	files["static/Dockerfile"] = ""
	sha2 := repo.Commit("main", "Greet again", files)
	r = sys.push(fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "main", Before: sha, After: sha2, Message: "Greet again"}, "delivery-"+randomID())
	if b := sys.waitFinal(r.BuildID, buildWithin); b.State != pipeline.Success {
		t.Fatalf("second build %s at step %q: %s", b.State, b.FailedStep, b.Error)
	}
	if code, got := invoke(t, sys.svc, names["greet"], http.MethodPost, "world"); code != 200 || got != "Hello again, world!" {
		t.Errorf("greet after the second push = %d %q, want the new handler's answer", code, got)
	}
	if code, got := invoke(t, sys.svc, names["reverse"], http.MethodPost, "stressed"); code != 200 || got != "desserts" {
		t.Errorf("reverse after the second push = %d %q", code, got)
	}
	if _, err := gw.Get(ctx, names["static"]); err == nil {
		t.Errorf("static is still on the gateway after the stack file dropped it")
	}
	// The old container stops once it has served its last call.
	deadline := time.Now().Add(15 * time.Second)
	for ids := containersOf(t, sys.svc, names["greet"]+"."); len(ids) != 1; ids = containersOf(t, sys.svc, names["greet"]+".") {
		if time.Now().After(deadline) {
			t.Errorf("containers of greet after the update: %v, want the new one only", ids)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestAFunctionThatDoesNotCompileFailsAloneAndSaysWhy(t *testing.T) {
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "functions", "main")
	files := sampleFiles()
	files["reverse/handler.go"] = brokenHandler
	sha := repo.Commit("main", "Break reverse", files)

	r := sys.push(fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "main", After: sha}, "delivery-"+randomID())
	if r.Code != 202 {
		t.Fatalf("push answered %d %+v", r.Code, r)
	}
	b := sys.waitFinal(r.BuildID, buildWithin)
	if b.State != pipeline.Failure || b.FailedStep != pipeline.StepBuild {
		t.Fatalf("build %s at step %q, want failure at build", b.State, b.FailedStep)
	}
	if !strings.Contains(b.Error, "reverse") || !strings.Contains(b.Error, "undefinedHelper") {
		t.Errorf("build error %q does not name the function and the compile error", b.Error)
	}

	gw := gatewayClient(t, sys.svc)
	for _, fb := range b.Functions {
		switch fb.Name {
		case "reverse":
			if fb.State != pipeline.Failure || fb.FailedStep != pipeline.StepBuild {
				t.Errorf("reverse: %s at %q", fb.State, fb.FailedStep)
			}
			if _, err := gw.Get(context.Background(), fb.DeployName); err == nil {
				t.Errorf("the broken function %s was deployed", fb.DeployName)
			}
		default:
			if fb.State != pipeline.Success {
				t.Errorf("%s: %s (%s), want the others deployed", fb.Name, fb.State, fb.Error)
			}
			if _, err := gw.Get(context.Background(), fb.DeployName); err != nil {
				t.Errorf("%s not on the gateway: %v", fb.DeployName, err)
			}
		}
	}

	last := sys.last(sha, "ofc/reverse")
	if last.State != "failure" || !strings.Contains(last.Description, "undefinedHelper") {
		t.Errorf("ofc/reverse ended %q %q, want failure naming the compile error", last.State, last.Description)
	}
	if st := sys.last(sha, "ofc"); st.State != "failure" {
		t.Errorf("overall context ended %q, want failure", st.State)
	}
	if st := sys.last(sha, "ofc/greet"); st.State != "success" {
		t.Errorf("ofc/greet ended %q, want success", st.State)
	}
}

func gatewayClient(t testing.TB, svc services) *deploy.Client {
	t.Helper()
	c, err := deploy.New(deploy.Config{GatewayURL: svc.GatewayURL, Username: svc.GatewayUser, Password: svc.GatewayPassword})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
