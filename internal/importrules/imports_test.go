package importrules

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/ofcbuild/ofc/"

// allowed lists, for each package outside cmd/, bench/, internal/ and
// test/, the packages of this module it may import. An adapter imports
// the pipeline, and another package of the module only where it composes
// it: the webhook handlers parse with the forges' parsers, the pages
// read through the API's contracts, the planner reads stack files and
// templates.
var allowed = map[string][]string{
	"access":                   {"pipeline"},
	"api":                      {"pipeline"},
	"api/apitest":              {"pipeline"},
	"buildkit":                 {"pipeline"},
	"deploy":                   {"pipeline"},
	"hook":                     {"pipeline", "scm/github", "scm/gitlab"},
	"janitor":                  {"pipeline"},
	"localfaas":                {},
	"localfaas/containerd":     {"localfaas"},
	"logs":                     {"pipeline"},
	"metrics":                  {"pipeline"},
	"migrations":               {},
	"pipeline":                 {},
	"plan":                     {"pipeline", "stack", "template"},
	"queue":                    {"pipeline"},
	"registry":                 {"pipeline"},
	"scm/github":               {"pipeline"},
	"scm/gitlab":               {"pipeline"},
	"secrets":                  {"pipeline", "internal/regular"},
	"source":                   {"pipeline"},
	"stack":                    {"internal/regular", "internal/suggest"},
	"status/github":            {"pipeline"},
	"status/github/githubtest": {},
	"status/gitlab":            {"pipeline"},
	"status/gitlab/gitlabtest": {},
	"store":                    {"pipeline", "migrations"},
	"store/pgtest":             {"internal/testenv", "internal/devstack", "migrations", "store"},
	"template":                 {"pipeline", "internal/suggest"},
	"watchdog":                 {},
	"web":                      {"pipeline", "api", "access"},
}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
}

// list is `go list -json` of the module's packages, with flags.
func list(t *testing.T, flags ...string) []pkg {
	t.Helper()
	args := append([]string{"list", "-json"}, flags...)
	cmd := exec.Command("go", append(args, "github.com/ofcbuild/ofc/...")...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func local(path string) (string, bool) {
	return strings.CutPrefix(path, module)
}

func TestAdaptersImportOnlyWhatTheyCompose(t *testing.T) {
	for _, p := range list(t) {
		name, _ := local(p.ImportPath)
		top, _, _ := strings.Cut(name, "/")
		if slices.Contains([]string{"cmd", "bench", "internal", "test"}, top) {
			continue
		}
		may, ok := allowed[name]
		if !ok {
			t.Errorf("package %s has no import rule: add it to allowed, with what it may import", name)
			continue
		}
		for _, imp := range p.Imports {
			if dep, ok := local(imp); ok && !slices.Contains(may, dep) {
				t.Errorf("%s imports %s; it may import only %v of this module", name, dep, may)
			}
		}
	}
}

func TestPipelineUsesTheStandardLibraryOnly(t *testing.T) {
	std := map[string]bool{}
	for _, p := range listStd(t) {
		std[p] = true
	}
	for _, p := range list(t, "-deps=false") {
		if p.ImportPath != module+"pipeline" {
			continue
		}
		for _, d := range p.Deps {
			if !std[d] {
				t.Errorf("pipeline depends on %s, which is not the standard library", d)
			}
		}
		return
	}
	t.Fatal("package pipeline not found")
}

// listStd lists the standard library's packages.
func listStd(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		t.Fatalf("go list std: %v", err)
	}
	return strings.Fields(string(out))
}

func TestWebhookLinksNoBuildOrDeployClient(t *testing.T) {
	forbidden := []string{
		module + "buildkit", module + "registry", module + "deploy",
		"github.com/moby/buildkit/", "github.com/google/go-containerregistry/", "github.com/openfaas/go-sdk",
	}
	for _, p := range list(t) {
		if p.ImportPath != module+"cmd/webhook" {
			continue
		}
		for _, d := range p.Deps {
			for _, f := range forbidden {
				if d == f || strings.HasPrefix(d, f) {
					t.Errorf("cmd/webhook links %s", d)
				}
			}
		}
		return
	}
	t.Fatal("cmd/webhook not found")
}
