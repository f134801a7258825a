package test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
)

// markedTemplate is a template, template/<lang>/ of a template
// repository, whose image serves the handler folder and, at
// /template.txt, mark: which template and version built it.
func markedTemplate(lang, mark string) map[string]string {
	return map[string]string{
		"template/" + lang + "/template.yml": "language: " + lang + "\n",
		"template/" + lang + "/Dockerfile": `FROM busybox:latest
COPY function/ /www/
RUN mkdir -p /www/_ && echo ok > /www/_/health && echo -n "` + mark + `" > /www/template.txt
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`,
	}
}

// storeIndexOf serves a template store index, in the format of OpenFaaS's
// templates.json, with one entry per template name.
func storeIndexOf(t *testing.T, repos map[string]string) *httptest.Server {
	t.Helper()
	var entries []map[string]any
	for name, repo := range repos {
		entries = append(entries, map[string]any{"template": name, "platform": "x86_64", "language": "Shell",
			"source": "e2e", "description": "an e2e template", "repo": repo, "official": "false"})
	}
	body, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestTemplateRepositories: templates named by the stack file's
// configuration.templates (pinned by tag), by the installation's
// template repositories, by the template store, and pinned with
// lang: name@ref build the functions that use them; the log names each
// template's repository, ref and commit; a second push clones none of
// them again.
func TestTemplateRepositories(t *testing.T) {
	id := randomID()
	tsrv, count := gittest.NewCountedServer(t)
	tmpl := tsrv.NewRepo("tmpl", "templates", "main")
	v1 := tmpl.Commit("main", "echoer v1", markedTemplate("echoer", "echoer-v1-"+id))
	tmpl.Tag("v1", v1)
	tmpl.Commit("main", "echoer v2", markedTemplate("echoer", "echoer-v2-"+id))
	team := tsrv.NewRepo("tmpl", "team", "main")
	teamHead := team.Commit("main", "team", markedTemplate("teamlang", "team-"+id))
	stored := tsrv.NewRepo("tmpl", "stored", "main")
	s10 := stored.Commit("main", "1.0", markedTemplate("storelang", "store-1.0-"+id))
	stored.Tag("1.0", s10)
	storedHead := stored.Commit("main", "head", markedTemplate("storelang", "store-head-"+id))
	index := storeIndexOf(t, map[string]string{"storelang": stored.CloneURL})

	sys := newSystemWith(t, 1, "OFC_TEMPLATE_REPOS="+team.CloneURL, "OFC_TEMPLATE_STORE_URL="+index.URL)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	stack := fmt.Sprintf(`version: 1.0
provider:
  name: openfaas
configuration:
  templates:
    - name: echoer
      source: %s#v1
    - name: storelang
functions:
  pinned:
    lang: echoer
    handler: ./fn
  team:
    lang: teamlang
    handler: ./fn
  stored:
    lang: storelang
    handler: ./fn
  storepin:
    lang: storelang@1.0
    handler: ./fn
`, tmpl.CloneURL)
	app := gittest.NewServer(t).NewRepo(owner, "fns", "main")
	first := app.Commit("main", "first", map[string]string{"stack.yml": stack, "fn/index.html": "first"})
	push := func(before, after string) pipeline.Build {
		return sys.pushed(fixture.Push{Owner: owner, Repo: "fns", CloneURL: app.CloneURL, DefaultBranch: "main",
			Branch: "main", Before: before, After: after, Message: "push"})
	}
	b := push("", first)

	want := map[string]struct{ mark, log string }{
		"pinned":   {"echoer-v1-" + id, fmt.Sprintf("building echoer from the template echoer of %s at v1, commit %s, named in the stack file's configuration.templates", tmpl.CloneURL, v1)},
		"team":     {"team-" + id, fmt.Sprintf("building teamlang from the template teamlang of %s at its default branch, commit %s, one of the installation's template repositories", team.CloneURL, teamHead)},
		"stored":   {"store-head-" + id, fmt.Sprintf("building storelang from the template storelang of %s at its default branch, commit %s", stored.CloneURL, storedHead)},
		"storepin": {"store-1.0-" + id, fmt.Sprintf("building storelang from the template storelang of %s at 1.0, commit %s", stored.CloneURL, s10)},
	}
	check := func(b pipeline.Build) {
		t.Helper()
		log := sys.logText(b.ID)
		for _, fb := range b.Functions {
			w, ok := want[fb.Name]
			if !ok {
				t.Errorf("unexpected function %s", fb.Name)
				continue
			}
			if !strings.Contains(log, w.log) {
				t.Errorf("%s: the log does not say %q:\n%s", fb.Name, w.log, tail(log, 40))
			}
			if a := call(t, sys.svc, fb.DeployName, "GET", "/template.txt", "", ""); a.status != 200 || a.body != w.mark {
				t.Errorf("%s was built from template %q (%d), want %q", fb.Name, a.body, a.status, w.mark)
			}
		}
	}
	check(b)
	fetches := map[string]int{}
	for _, repo := range []string{"templates", "team", "stored"} {
		fetches[repo] = count.Fetches("/tmpl/" + repo + ".git")
	}
	if fetches["templates"] != 1 || fetches["team"] != 1 || fetches["stored"] != 2 {
		t.Errorf("template repositories fetched %v times, want once per commit", fetches)
	}

	second := app.Commit("main", "second", map[string]string{"fn/index.html": "second"})
	b = push(first, second)
	check(b)
	for repo, n := range fetches {
		if got := count.Fetches("/tmpl/" + repo + ".git"); got != n {
			t.Errorf("the second push fetched %s again (%d fetches, was %d)", repo, got, n)
		}
	}
	if a := call(t, sys.svc, b.Functions[0].DeployName, "GET", "/index.html", "", ""); a.body != "second" {
		t.Errorf("the second push's handler is not deployed: %q", a.body)
	}
}

// TestTemplateSourcesFailClearly: a template repository that does not
// exist, a tag it does not have, and a template it does not hold fail
// the functions that need them, with the repository's URL and git's
// error, while the others deploy; one that does not answer hands the
// build back to be tried again, saying which and why.
func TestTemplateSourcesFailClearly(t *testing.T) {
	id := randomID()
	tsrv := gittest.NewServer(t)
	tmpl := tsrv.NewRepo("tmpl", "templates", "main")
	tmpl.Tag("v1", tmpl.Commit("main", "v1", markedTemplate("echoer", "echoer-"+id)))
	missing := tsrv.URL() + "/tmpl/missing.git"
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL + "/tmpl/down.git"
	down.Close()

	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	stack := fmt.Sprintf(`version: 1.0
provider:
  name: openfaas
configuration:
  templates:
    - name: echoer
      source: %[1]s#v1
    - name: badref
      source: %[1]s#v9
    - name: absent
      source: %[1]s#v1
    - name: gone
      source: %[2]s
functions:
  fine:
    lang: echoer
    handler: ./fn
  badref:
    lang: badref
    handler: ./fn
  absent:
    lang: absent
    handler: ./fn
  gone:
    lang: gone
    handler: ./fn
`, tmpl.CloneURL, missing)
	_, bid := sys.pushFirst(owner, "broken", "Three broken template sources", map[string]string{"stack.yml": stack, "fn/index.html": "fine"})
	b := sys.waitFinal(bid, buildWithin)
	if b.State != pipeline.Failure {
		t.Fatalf("build %s (%s), want failure", b.State, b.Error)
	}
	says := map[string][]string{
		"fine":   nil,
		"badref": {tmpl.CloneURL + "#v9", `the repository has no branch or tag "v9"`},
		"absent": {tmpl.CloneURL, "has no template template/absent/: it has only echoer"},
		"gone":   {missing, "git ls-remote: exit 128", "not found"},
	}
	for _, fb := range b.Functions {
		w := says[fb.Name]
		if w == nil {
			if fb.State != pipeline.Success {
				t.Errorf("%s: %s (%s), want it deployed beside the failures", fb.Name, fb.State, fb.Error)
			}
			continue
		}
		if fb.State != pipeline.Failure || fb.FailedStep != pipeline.StepStack {
			t.Errorf("%s: %s at %q, want a failure at %s: %s", fb.Name, fb.State, fb.FailedStep, pipeline.StepStack, fb.Error)
		}
		for _, s := range w {
			if !strings.Contains(fb.Error, s) {
				t.Errorf("%s's error does not say %q:\n%s", fb.Name, s, fb.Error)
			}
		}
	}

	// A host that does not answer may answer later: the build goes back
	// to the queue, its error naming the repository and git's complaint.
	_, bid = sys.pushFirst(owner, "unreachable", "A template host that is down", map[string]string{
		"stack.yml":     fmt.Sprintf("version: 1.0\nprovider:\n  name: openfaas\nconfiguration:\n  templates:\n    - name: down\n      source: %s\nfunctions:\n  fn:\n    lang: down\n    handler: ./fn\n", downURL),
		"fn/index.html": "never",
	})
	deadline := time.Now().Add(2 * time.Minute)
	for {
		b := sys.build(bid)
		if strings.Contains(b.Error, downURL) {
			if b.State != pipeline.Queued && b.State != pipeline.Running {
				t.Errorf("build %s, want it handed back to the queue: %s", b.State, b.Error)
			}
			if !strings.Contains(b.Error, "Failed to connect") && !strings.Contains(b.Error, "Could not connect") && !strings.Contains(b.Error, "Connection refused") {
				t.Errorf("the error does not say git's complaint: %s", b.Error)
			}
			break
		}
		if b.State.Final() || time.Now().After(deadline) {
			t.Fatalf("build %s: %q, want it handed back to the queue with an error naming %s", b.State, b.Error, downURL)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
