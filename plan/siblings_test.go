package plan

import (
	"context"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestFunctionEnv(t *testing.T) {
	for fn, want := range map[string]string{
		"back":       "OFC_FUNCTION_BACK",
		"pinyin-api": "OFC_FUNCTION_PINYIN_API",
		"v2.search":  "OFC_FUNCTION_V2_SEARCH",
		"Mixed_Case": "OFC_FUNCTION_MIXED_CASE",
		"fn9":        "OFC_FUNCTION_FN9",
	} {
		if got := FunctionEnv(fn); got != want {
			t.Errorf("FunctionEnv(%q) = %q, want %q", fn, got, want)
		}
	}
}

const frontBack = "functions:\n" +
	"  front:\n    lang: dockerfile\n    handler: ./front\n    environment:\n      MODE: web\n" +
	"  back:\n    lang: dockerfile\n    handler: ./back\n"

func planFrontBack(t *testing.T, cfg Config, ev pipeline.Event) pipeline.Plan {
	t.Helper()
	repo := writeRepo(t, map[string]string{
		"stack.yml": frontBack, "front/Dockerfile": "FROM busybox\n", "back/Dockerfile": "FROM busybox\n",
	})
	cfg.ImageRef = localRef
	pl, err := New(cfg).Plan(context.Background(), ev, repo, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Functions) != 2 {
		t.Fatalf("functions = %+v", pl.Functions)
	}
	return pl
}

// envOf is the environment function name is deployed with.
func envOf(t *testing.T, pl pipeline.Plan, name string) map[string]string {
	t.Helper()
	for _, s := range pl.Functions {
		if s.Name == name {
			return s.Deployment.EnvVars
		}
	}
	t.Fatalf("no function %q in %+v", name, pl.Functions)
	return nil
}

// Production functions call production; a branch's call its own previews,
// never production.
func TestSiblingsAreTheFunctionsDeployedForTheSameBranch(t *testing.T) {
	const gw = "http://gateway.openfaas:8080"
	prod := planFrontBack(t, Config{FunctionsGatewayURL: gw}, event())
	env := envOf(t, prod, "front")
	if env["OFC_FUNCTION_BACK"] != DeployName("Alex", "My.Functions", "", "back") ||
		env["OFC_FUNCTION_FRONT"] != DeployName("Alex", "My.Functions", "", "front") ||
		env["OFC_GATEWAY_URL"] != gw || env["MODE"] != "web" {
		t.Errorf("production front env = %v", env)
	}

	ev := event()
	ev.Ref, ev.Branch = "refs/heads/feature", "feature"
	preview := planFrontBack(t, Config{FunctionsGatewayURL: gw}, ev)
	env = envOf(t, preview, "front")
	if env["OFC_FUNCTION_BACK"] != DeployName("Alex", "My.Functions", "feature", "back") {
		t.Errorf("preview front calls %q, want the preview of back %q", env["OFC_FUNCTION_BACK"], DeployName("Alex", "My.Functions", "feature", "back"))
	}
	if got := envOf(t, preview, "back")["OFC_FUNCTION_FRONT"]; got != DeployName("Alex", "My.Functions", "feature", "front") {
		t.Errorf("preview back knows front as %q", got)
	}
}

// With plain names production runs under the stack file's names, as
// faas-cli deploys it; previews keep names of their own.
func TestPlainNames(t *testing.T) {
	prod := planFrontBack(t, Config{PlainNames: true}, event())
	for _, s := range prod.Functions {
		if s.DeployName != s.Name {
			t.Errorf("production %s deploys as %q, want its own name", s.Name, s.DeployName)
		}
	}
	if got := envOf(t, prod, "front")["OFC_FUNCTION_BACK"]; got != "back" {
		t.Errorf("OFC_FUNCTION_BACK = %q, want back", got)
	}
	if _, ok := envOf(t, prod, "front")["OFC_GATEWAY_URL"]; ok {
		t.Error("OFC_GATEWAY_URL set with no gateway address configured")
	}

	ev := event()
	ev.Ref, ev.Branch = "refs/heads/feature", "feature"
	preview := planFrontBack(t, Config{PlainNames: true}, ev)
	for _, s := range preview.Functions {
		if s.DeployName != DeployName("Alex", "My.Functions", "feature", s.Name) {
			t.Errorf("preview %s deploys as %q, want a preview's name", s.Name, s.DeployName)
		}
	}
}

// The stack file cannot point a function elsewhere by setting the
// service's variables, and two names that give one variable are said.
func TestSiblingsWarnings(t *testing.T) {
	specs := []pipeline.FunctionSpec{
		{Name: "a-b", DeployName: "x1", Deployment: pipeline.Deployment{EnvVars: map[string]string{"OFC_FUNCTION_C": "prod-c"}}},
		{Name: "a_b", DeployName: "x2"},
		{Name: "c", DeployName: "x3"},
	}
	warnings := addSiblings(specs, "", "stack.yml")
	if got := specs[0].Deployment.EnvVars["OFC_FUNCTION_C"]; got != "x3" {
		t.Errorf("OFC_FUNCTION_C = %q, want the service's x3", got)
	}
	if got := specs[1].Deployment.EnvVars["OFC_FUNCTION_A_B"]; got != "x1" {
		t.Errorf("OFC_FUNCTION_A_B = %q, want the first function's x1", got)
	}
	all := strings.Join(warnings, "\n")
	for _, want := range []string{
		`stack.yml: functions "a-b" and "a_b" both give OFC_FUNCTION_A_B; it names "a-b"`,
		`stack.yml: function "a-b": environment OFC_FUNCTION_C is set by the service to "x3" (not "prod-c")`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings\n%s\nlack %s", all, want)
		}
	}
}

// A stack file's namespace reaches the gateway through the function's
// address, "<name>.<namespace>", which is also how siblings call it.
func TestNamespaceIsPartOfTheAddress(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml": "functions:\n  front:\n    lang: dockerfile\n    handler: ./front\n" +
			"  back:\n    lang: dockerfile\n    handler: ./back\n    namespace: staging\n",
		"front/Dockerfile": "FROM busybox\n", "back/Dockerfile": "FROM busybox\n",
	})
	pl, err := New(Config{ImageRef: localRef, PlainNames: true}).Plan(context.Background(), event(), repo, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range pl.Functions {
		got[s.Name] = s.DeployName
	}
	if got["back"] != "back.staging" || got["front"] != "front" {
		t.Errorf("addresses = %v, want back.staging and front", got)
	}
	if env := envOf(t, pl, "front")["OFC_FUNCTION_BACK"]; env != "back.staging" {
		t.Errorf("front calls back as %q, want back.staging", env)
	}
}
