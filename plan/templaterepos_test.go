package plan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/template"
)

// fetcher serves one template repository from a folder, fails another as
// the user's and a third as transient, and records what it was asked for.
type fetcher struct {
	dir   string
	asked []string
}

func (f *fetcher) Fetch(_ context.Context, ev pipeline.Event, url, ref string) (string, string, error) {
	f.asked = append(f.asked, ev.Repo.FullName()+" "+url+"#"+ref)
	switch url {
	case "https://git.test/templates":
		return f.dir, strings.Repeat("ab", 20), nil
	case "https://git.test/down":
		return "", "", pipeline.Transient(errors.New("template repository https://git.test/down: Could not resolve host"))
	}
	return "", "", errors.New("template repository " + url + ": not found")
}

const templateReposStack = `version: 1.0
configuration:
  templates:
    - name: echoer
      source: https://git.test/templates#v1
    - name: gone
      source: https://git.test/gone
functions:
  api:
    lang: echoer
    handler: ./api
  gone:
    lang: gone
    handler: ./api
  pinned:
    lang: teamlang@rc
    handler: ./api
`

// The stack file's configuration.templates and the installation's
// repositories reach the templates, for the build's event; a source that
// is the user's problem fails its function alone, and one that may
// answer later hands the whole build back.
func TestPlanTemplateRepositories(t *testing.T) {
	tmpl := t.TempDir()
	for name, content := range map[string]string{
		"template/echoer/Dockerfile":   "FROM scratch\n",
		"template/teamlang/Dockerfile": "FROM scratch\n",
	} {
		p := filepath.Join(tmpl, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := &fetcher{dir: tmpl}
	p := New(Config{ImageRef: localRef, TemplateFetcher: f,
		TemplateRepos: []template.Repository{{URL: "https://git.test/templates"}}})
	repo := writeRepo(t, map[string]string{"stack.yml": templateReposStack, "api/index.html": "hi"})
	specs, err := specsOf(p.Plan(context.Background(), event(), repo, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]pipeline.FunctionSpec{}
	for _, s := range specs {
		got[s.Name] = s
	}
	if s := got["api"]; s.Problem != "" || !strings.Contains(s.TemplateFrom, "template echoer of https://git.test/templates at v1, commit abab") {
		t.Errorf("api: from %q, problem %q", s.TemplateFrom, s.Problem)
	}
	if s := got["pinned"]; s.Problem != "" || !strings.Contains(s.TemplateFrom, "at rc,") {
		t.Errorf("pinned: from %q, problem %q", s.TemplateFrom, s.Problem)
	}
	if s := got["gone"]; !strings.Contains(s.Problem, `function "gone": template repository https://git.test/gone: not found`) {
		t.Errorf("gone: problem %q", s.Problem)
	}
	if len(f.asked) == 0 || !strings.HasPrefix(f.asked[0], event().Repo.FullName()+" ") {
		t.Errorf("fetched %v, want each for the build's repository", f.asked)
	}

	down := strings.Replace(templateReposStack, "https://git.test/gone", "https://git.test/down", 1)
	repo = writeRepo(t, map[string]string{"stack.yml": down, "api/index.html": "hi"})
	_, err = p.Plan(context.Background(), event(), repo, t.TempDir())
	if !pipeline.IsTransient(err) || !strings.Contains(err.Error(), "https://git.test/down") {
		t.Errorf("Plan with a source down = %v, want a transient error naming it", err)
	}
}
