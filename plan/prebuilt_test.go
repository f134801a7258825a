package plan

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// Functions deployed from their image as they are, which faas-cli deploys
// without a build, fail alone with a problem saying so; the others build.
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
			Name: "cron", DeployName: DeployName("Alex", "My.Functions", "", "cron"), Image: "functions/nodeinfo:latest",
			Problem:    `stack.yml: function "cron": image-only functions are not deployed yet: it has no "lang", so it is not built but deployed from its image functions/nodeinfo:latest as it is, which this version of ofc cannot do`,
			Deployment: pipeline.Deployment{Labels: withProduction(nil), Annotations: withProduction(map[string]string{"topic": "cron-function"})},
		},
		{
			Name: "hash", DeployName: DeployName("Alex", "My.Functions", "", "hash"), Lang: "dockerfile", Image: "ghcr.io/openfaas/alpine:latest",
			Problem:    `stack.yml: function "hash": image-only functions are not deployed yet: skip_build is true, so it is not built but deployed from its image ghcr.io/openfaas/alpine:latest as it is, which this version of ofc cannot do`,
			Deployment: pipeline.Deployment{Secrets: []string{"test1"}, Labels: withProduction(nil), Annotations: withProduction(nil), EnvProcess: "sha512sum"},
		},
	}
	if !reflect.DeepEqual(specs[:2], want) {
		t.Errorf("specs =\n%+v\nwant\n%+v", specs[:2], want)
	}
	if specs[2].Name != "web" || specs[2].Problem != "" || specs[2].ContextDir == "" {
		t.Errorf("web = %+v, want it planned", specs[2])
	}
}

// A pinned template builds from the template of its name, and the build's
// log says the ref was not fetched.
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
	want := "shipped template golang-middleware (lang golang-middleware@0.9.0: pinned templates are not fetched yet; the template of that name is used)"
	if got.TemplateFrom != want || !strings.HasPrefix(got.TemplateFrom, "shipped template golang-middleware") {
		t.Errorf("TemplateFrom = %q, want %q", got.TemplateFrom, want)
	}
}
