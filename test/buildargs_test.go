package test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// buildArgsStack asks the shipped Python templates for Debian packages as
// a stack file written for OpenFaaS's -debian templates does: py-jq with
// ADDITIONAL_PACKAGE (and its tests switched on), py-pq with a build
// option of the template plus a package of its own, which faas-cli
// merges into one ADDITIONAL_PACKAGE.
const buildArgsStack = `version: 1.0
provider:
  name: openfaas
functions:
  py-jq:
    lang: python3-http-debian
    handler: ./py-jq
    build_args:
      ADDITIONAL_PACKAGE: jq
      TEST_ENABLED: "true"
      TEST_COMMAND: python -m unittest -v
  py-pq:
    lang: python3-flask
    handler: ./py-pq
    build_options:
      - libpq
    build_args:
      ADDITIONAL_PACKAGE: "jq gcc"
`

// pyJQHandler answers what Debian's jq makes of the request.
const pyJQHandler = `import subprocess


def handle(event, context):
    out = subprocess.run(
        ["jq", "-c", '.greeting = "hi " + .name'],
        input=event.body, capture_output=True, check=True,
    ).stdout
    return {"statusCode": 200, "body": out.decode(), "headers": {"Content-Type": "application/json"}}
`

// pyJQTest runs at build time (TEST_ENABLED), where jq must be there
// already.
const pyJQTest = `import unittest

import handler


class Event:
    body = b'{"name": "test"}'


class HandleTest(unittest.TestCase):
    def test_jq_at_build_time(self):
        self.assertEqual(handler.handle(Event(), None)["body"], '{"name":"test","greeting":"hi test"}\n')


if __name__ == "__main__":
    unittest.main()
`

// pyPQHandler answers what the libpq build option and ADDITIONAL_PACKAGE
// installed.
const pyPQHandler = `import shutil
import subprocess


def handle(req):
    pg = subprocess.run(["pg_config", "--version"], capture_output=True, text=True, check=True).stdout.split()
    return "%s %s gcc=%s jq=%s" % (pg[0], pg[1].split(".")[0], bool(shutil.which("gcc")), bool(shutil.which("jq")))
`

// TestBuildArgsInstallDebianPackages builds Python functions whose stack
// file asks for Debian packages with build_args and build_options, and
// calls them: the packages are in the image they run in, and were there
// for the tests TEST_ENABLED runs at build time.
func TestBuildArgsInstallDebianPackages(t *testing.T) {
	owner := "e2e-" + randomID()
	sys := newSystem(t, 1)
	removeFunctionsAtEnd(t, sys.svc, owner)
	sha, id := sys.pushFirst(owner, "buildargs", "Functions with Debian packages", map[string]string{
		"stack.yml": buildArgsStack,
		// The owner makes each run's handlers new, so that the steps after
		// them (the tests) run whatever an earlier run left in the cache.
		"py-jq/handler.py":       "# " + owner + "\n" + pyJQHandler,
		"py-jq/test_handler.py":  pyJQTest,
		"py-jq/requirements.txt": "",
		"py-pq/handler.py":       "# " + owner + "\n" + pyPQHandler,
		"py-pq/requirements.txt": "",
		// Tests are off unless the stack file switches them on.
		"py-pq/test_handler.py": "raise SystemExit('tests ran although TEST_ENABLED is not set')\n",
	})

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
	// The packages' step comes before the handler: an earlier run of the
	// same packages leaves it in BuildKit's cache, CACHED, its lines
	// those of that run.
	packagesCached := false
	for _, m := range regexp.MustCompile(`#(\d+) \[[^\]]*\] RUN [^\n]*debian-packages\.sh`).FindAllStringSubmatch(log, -1) {
		packagesCached = packagesCached || strings.Contains(log, "#"+m[1]+" CACHED")
	}
	for _, want := range []string{
		"installing jq from Debian bookworm",
		// build_options and ADDITIONAL_PACKAGE, merged as faas-cli does:
		// once each, sorted.
		"installing gcc jq libpq-dev python3-dev from Debian bookworm",
	} {
		if !strings.Contains(log, want) && !packagesCached {
			t.Errorf("the build log does not say %q", want)
		}
	}
	for _, want := range []string{"running the function's tests: python -m unittest -v", "test_jq_at_build_time"} {
		if !strings.Contains(log, want) {
			t.Errorf("the build log does not say %q", want)
		}
	}

	t.Run("ADDITIONAL_PACKAGE", func(t *testing.T) {
		a := call(t, sys.svc, names["py-jq"], "POST", "", "application/json", `{"name":"ada"}`)
		if a.status != 200 || a.body != `{"name":"ada","greeting":"hi ada"}`+"\n" {
			t.Errorf("py-jq = %d %q", a.status, a.body)
		}
	})
	t.Run("build_options", func(t *testing.T) {
		a := call(t, sys.svc, names["py-pq"], "POST", "", "text/plain", "")
		if a.status != 200 || a.body != "PostgreSQL 15 gcc=True jq=True" {
			t.Errorf("py-pq = %d %q", a.status, a.body)
		}
	})
}
