package test

import (
	"context"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

const failuresStack = `version: 1.0
provider:
  name: openfaas
functions:
  fine:
    lang: python3-flask
    handler: ./fine
  old:
    lang: node12
    handler: ./fine
  typo:
    lang: nodejs20
    handler: ./fine
  npm-missing:
    lang: node20
    handler: ./npm-missing
  syntax:
    lang: python3-http
    handler: ./syntax
  crash:
    lang: python3-http
    handler: ./crash
`

// TestTemplateFailuresAreClear: a retired and an unknown template, a
// dependency npm cannot find, a Python syntax error and a handler that
// exits at start each fail their own function, with a status and an
// error that say why in the user's terms, while the good function is
// deployed.
func TestTemplateFailuresAreClear(t *testing.T) {
	owner := "e2e-" + randomID()
	missing := "ofc-e2e-no-such-package-" + randomID()
	sys := newSystem(t, 1)
	removeFunctionsAtEnd(t, sys.svc, owner)
	sha, id := sys.pushFirst(owner, "broken", "Five ways to fail", map[string]string{
		"stack.yml":                failuresStack,
		"fine/handler.py":          "def handle(req):\n    return 'fine'\n",
		"npm-missing/handler.js":   "module.exports = async () => 'never'\n",
		"npm-missing/package.json": `{"name":"npm-missing","version":"1.0.0","dependencies":{"` + missing + `":"1.0.0"}}`,
		"syntax/handler.py":        "def handle(event, context)\n    return {'statusCode': 200}\n",
		"crash/handler.py":         "import sys\nprint('cannot start: DATABASE_URL is not set', file=sys.stderr)\nsys.exit(3)\n",
	})
	b := sys.waitFinal(id, buildWithin)
	if b.State != pipeline.Failure {
		t.Fatalf("build %s, want failure", b.State)
	}

	want := map[string]struct {
		step pipeline.Step
		says []string
	}{
		"fine":        {"", nil},
		"old":         {pipeline.StepStack, []string{`template "node12" was retired by OpenFaaS (Node.js 12 is end of life): move to node20`, "template/node12/"}},
		"typo":        {pipeline.StepStack, []string{`unknown template "nodejs20": the nearest is node20`, "available: dockerfile, go, golang-middleware, node20"}},
		"npm-missing": {pipeline.StepBuild, []string{"npm error 404", missing}},
		"syntax":      {pipeline.StepBuild, []string{"SyntaxError", "handler.py"}},
		"crash":       {pipeline.StepDeploy, []string{"cannot start: DATABASE_URL is not set"}},
	}
	if len(b.Functions) != len(want) {
		t.Fatalf("%d function builds, want %d: %+v", len(b.Functions), len(want), b.Functions)
	}
	for _, fb := range b.Functions {
		w := want[fb.Name]
		st := sys.last(sha, "ofc/"+fb.Name)
		t.Logf("ofc/%s: %s: %s", fb.Name, st.State, st.Description)
		if w.step == "" {
			if fb.State != pipeline.Success || st.State != "success" {
				t.Errorf("%s: %s (%s), status %s; want it deployed beside the failures", fb.Name, fb.State, fb.Error, st.State)
			}
			if a := call(t, sys.svc, fb.DeployName, "POST", "", "text/plain", ""); a.status != 200 || a.body != "fine" {
				t.Errorf("%s = %d %q", fb.Name, a.status, a.body)
			}
			continue
		}
		if fb.State != pipeline.Failure || fb.FailedStep != w.step {
			t.Errorf("%s: %s at %q, want failure at %s: %s", fb.Name, fb.State, fb.FailedStep, w.step, fb.Error)
		}
		// The status has room for a line or two: the tool's own verdict.
		if fb.Name == "npm-missing" && !strings.Contains(st.Description, "404 Not Found") {
			t.Errorf("ofc/npm-missing says %q, want npm's own error", st.Description)
		}
		if fb.Name == "syntax" && !strings.Contains(st.Description, `File "./handler.py", line 1 | SyntaxError`) {
			t.Errorf("ofc/syntax says %q, want Python's error and where", st.Description)
		}
		if st.State != "failure" || !strings.HasPrefix(st.Description, string(w.step)+" failed: ") {
			t.Errorf("ofc/%s ended %s %q, want a failure at %s", fb.Name, st.State, st.Description, w.step)
		}
		for _, s := range w.says {
			if !strings.Contains(fb.Error, s) {
				t.Errorf("%s's error does not say %q:\n%s", fb.Name, s, fb.Error)
			}
		}
		if _, err := gatewayClient(t, sys.svc).Get(context.Background(), fb.DeployName); err == nil && fb.Name != "crash" {
			t.Errorf("%s is on the gateway although it failed", fb.Name)
		}
	}
	// Everything that went wrong shows on the build, not only the first.
	for _, name := range []string{"old", "typo", "npm-missing", "syntax", "crash"} {
		if !strings.Contains(b.Error, "function "+name+":") {
			t.Errorf("the build's error does not list %s:\n%s", name, b.Error)
		}
	}
}
