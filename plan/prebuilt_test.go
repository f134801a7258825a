package plan

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// Functions deployed from their image as they are, which faas-cli deploys
// without a build, are planned as prebuilt: the stack file's image, its
// deployment, and nothing to build; the others build.
func TestPlanPrebuiltFunctions(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml": "functions:\n" +
			"  web:\n    lang: dockerfile\n    handler: ./web\n" +
			"  cron:\n    image: functions/nodeinfo:latest\n    annotations:\n      topic: cron-function\n" +
			"  hash:\n    lang: dockerfile\n    skip_build: true\n    image: ghcr.io/openfaas/alpine:latest\n    fprocess: sha512sum\n    secrets: [test1]\n",
		"web/Dockerfile": "FROM busybox\n",
	})
	specs, err := specsOf(New(Config{ImageRef: localRef}).Plan(context.Background(), event(), repo, t.TempDir()))
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if len(specs) != 3 {
		t.Fatalf("%d specs, want 3", len(specs))
	}
	want := []pipeline.FunctionSpec{
		{
			Name: "cron", DeployName: DeployName("Alex", "My.Functions", "", "cron"), Image: "functions/nodeinfo:latest", Prebuilt: true,
			Deployment: pipeline.Deployment{Labels: withProduction(nil), Annotations: withProduction(map[string]string{"topic": "cron-function"})},
		},
		{
			Name: "hash", DeployName: DeployName("Alex", "My.Functions", "", "hash"), Lang: "dockerfile", Image: "ghcr.io/openfaas/alpine:latest", Prebuilt: true,
			Deployment: pipeline.Deployment{Secrets: []string{"test1"}, Labels: withProduction(nil), Annotations: withProduction(nil), EnvProcess: "sha512sum"},
		},
	}
	for i := range want {
		got := specs[i]
		// Every function's environment names its siblings; that is
		// tested with them.
		got.Deployment.EnvVars = nil
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("spec =\n%+v\nwant\n%+v", got, want[i])
		}
	}
	if specs[2].Name != "web" || specs[2].Prebuilt || specs[2].Problem != "" || specs[2].ContextDir == "" {
		t.Errorf("web = %+v, want it planned for a build", specs[2])
	}
}

// A pinned template no template repository offers builds from the
// template of its name, and the build's log says the ref was not followed.
func TestPlanPinnedTemplate(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml":      "functions:\n  api:\n    lang: golang-middleware@0.9.0\n    handler: ./api\n",
		"api/handler.go": "package function\n",
		"api/go.mod":     "module handler\n",
	})
	specs, err := specsOf(New(Config{ImageRef: localRef}).Plan(context.Background(), event(), repo, t.TempDir()))
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	got := specs[0]
	if got.Problem != "" || got.Lang != "golang-middleware" || got.ContextDir == "" {
		t.Fatalf("spec = %+v", got)
	}
	want := "shipped template golang-middleware (lang golang-middleware@0.9.0: no template repository offers golang-middleware, so the pin is not followed; name one in configuration.templates)"
	if got.TemplateFrom != want || !strings.HasPrefix(got.TemplateFrom, "shipped template golang-middleware") {
		t.Errorf("TemplateFrom = %q, want %q", got.TemplateFrom, want)
	}
}
