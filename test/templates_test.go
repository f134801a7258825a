package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/goproxytest"
	"github.com/ofcbuild/ofc/internal/npmtest"
	"github.com/ofcbuild/ofc/internal/pypitest"
	"github.com/ofcbuild/ofc/pipeline"
)

// writeSecret puts a build secret of owner/repo where OFC_BUILD_SECRETS_DIR
// has them.
func writeSecret(t *testing.T, dir, owner, repo, id, value string) {
	t.Helper()
	p := filepath.Join(dir, owner, repo, id)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(value), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestEveryTemplateBuildsAndAnswers pushes one repository with a function
// of each shipped template, each written as it would be for OpenFaaS and
// with dependencies from npm, a private npm registry, a package index and
// a module proxy, and calls each through the gateway.
func TestEveryTemplateBuildsAndAnswers(t *testing.T) {
	owner := "e2e-" + randomID()
	npm := npmtest.New(t, npmtest.Config{Token: "npm-" + randomID(), Packages: []npmtest.Package{
		{Name: "@acme/auth", Version: "1.0.0", Files: map[string]string{"index.js": acmeAuth}},
	}})
	pypi := pypitest.New(t, pypitest.Config{Wheels: []pypitest.Wheel{
		{Name: "greeting", Version: "1.0.0", Files: map[string]string{"greeting/__init__.py": greetingModule}},
	}})
	goproxy := goproxytest.New(t, goproxytest.Config{Modules: []goproxytest.Module{
		{Path: "example.test/shout", Version: "v1.0.0", Files: map[string]string{"shout.go": shoutModule}},
	}})
	secrets := t.TempDir()
	writeSecret(t, secrets, owner, "templates", "npmrc", npm.NPMRC("@acme"))

	sys := newSystemWith(t, 1, "OFC_BUILD_SECRETS_DIR="+secrets,
		"OFC_PIP_INDEX_URL="+pypi.URL()+"/simple/", "OFC_GOPROXY="+goproxy.URL())
	removeFunctionsAtEnd(t, sys.svc, owner)
	files := templateFiles()
	files["classic-go/go.sum"] = goproxy.GoSum()
	// A package.json of its own: BuildKit would otherwise answer the
	// install from an earlier run's layer, asking no registry anything.
	files["node/package.json"] = strings.Replace(nodePackageJSON, `"version": "1.0.0"`, `"version": "1.0.0", "description": "run `+randomID()+`"`, 1)
	files["py-http/requirements.txt"] = "# run " + randomID() + "\n" + files["py-http/requirements.txt"]
	sha, id := sys.pushFirst(owner, "templates", "A function of each template", files)

	b := sys.waitFinal(id, buildWithin)
	if b.State != pipeline.Success {
		t.Fatalf("build %s at %q: %s\n%s", b.State, b.FailedStep, b.Error, tail(sys.logText(b.ID), 60))
	}
	names := map[string]string{}
	for _, fb := range b.Functions {
		names[fb.Name] = fb.DeployName
		if st := sys.last(sha, "ofc/"+fb.Name); st.State != "success" {
			t.Errorf("ofc/%s ended %s: %s", fb.Name, st.State, st.Description)
		}
	}
	log := sys.logText(b.ID)
	for _, want := range []string{"building golang-middleware from the shipped template golang-middleware", "building node20 from the shipped template node20"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say where the template came from (%q)", want)
		}
	}

	// golang-middleware: status, headers, method, path and query.
	a := call(t, sys.svc, names["middleware"], "POST", "/orders?name=ada", "text/plain", "hi")
	if a.status != 201 || a.header.Get("X-Template") != "golang-middleware" || a.header.Get("Content-Type") != "application/json" ||
		a.body != `{"body":"hi","method":"POST","name":"ada","path":"/orders"}`+"\n" {
		t.Errorf("middleware = %d %v %q", a.status, a.header, a.body)
	}
	if a.header.Get("X-Duration-Seconds") == "" {
		t.Errorf("middleware answered without the watchdog's X-Duration-Seconds: %v", a.header)
	}
	// go: stdin to stdout, with a module from the proxy and the request
	// in its environment.
	if a := call(t, sys.svc, names["classic-go"], "POST", "?x=1", "text/plain", "hello"); a.status != 200 || a.body != "HELLO! POST x=1\n" {
		t.Errorf("classic-go = %d %q", a.status, a.body)
	}
	// node20: JSON in and out, a public and a private package.
	a = call(t, sys.svc, names["node"], "PUT", "/items?id=7", "application/json", `{"n":"42"}`)
	if a.status != 200 || a.header.Get("X-Auth") != "acme-auth-1.0.0" || a.header.Get("Content-Type") != "application/json; charset=utf-8" ||
		a.body != `{"method":"PUT","path":"/items","query":{"id":"7"},"body":{"n":"42"},"numeric":true}` {
		t.Errorf("node = %d %v %q", a.status, a.header, a.body)
	}
	if reqs := npm.Requests(); len(reqs) == 0 || !reqs[0].Authorized {
		t.Errorf("the private registry saw %+v, want requests with the token of the build secret", reqs)
	}
	if reqs := pypi.Requests(); len(reqs) == 0 {
		t.Error("the package index saw no request: the wheel came from elsewhere")
	}
	// python3-http: a dict with statusCode, body and headers; a package
	// from the index.
	a = call(t, sys.svc, names["py-http"], "PATCH", "?name=ada", "text/plain", "x")
	if a.status != 202 || a.header.Get("X-Template") != "python3-http" || a.header.Get("Content-Type") != "application/json" ||
		a.body != `{"body":"x","greeting":"Hello, ada","method":"PATCH","type":"text/plain"}`+"\n" {
		t.Errorf("py-http = %d %v %q", a.status, a.header, a.body)
	}
	if a := call(t, sys.svc, names["py-flask"], "POST", "", "text/plain", "hi"); a.status != 200 || a.body != "flask got hi" {
		t.Errorf("py-flask = %d %q", a.status, a.body)
	}
	if a := call(t, sys.svc, names["py-classic"], "POST", "", "text/plain", "hi"); a.status != 200 || a.body != "py got hi by POST\n" {
		t.Errorf("py-classic = %d %q", a.status, a.body)
	}
}
