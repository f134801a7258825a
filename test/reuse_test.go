package test

import (
	"net/http"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gitserver"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// siteDockerfile serves the function's folder, its shared code included.
const siteDockerfile = `FROM busybox:latest
COPY . /www/
RUN mkdir -p /www/_ && echo ok > /www/_/health
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`

// trio is a stack of three functions: a and b share shared/ through a
// link in their folders, c shares nothing.
func trio(a, shared string) map[string]string {
	return map[string]string{
		"stack.yml": "functions:\n" +
			"  a:\n    lang: dockerfile\n    handler: ./a\n" +
			"  b:\n    lang: dockerfile\n    handler: ./b\n" +
			"  c:\n    lang: dockerfile\n    handler: ./c\n",
		"a/Dockerfile": siteDockerfile, "a/index.html": a, "a/lib": gitserver.Symlink("../shared"),
		"b/Dockerfile": siteDockerfile, "b/index.html": "b\n", "b/lib": gitserver.Symlink("../shared"),
		"c/Dockerfile": siteDockerfile, "c/index.html": "c\n",
		"shared/msg.txt": shared,
	}
}

// A push builds what it changed: the functions whose content is the same
// reuse their images, are not deployed again, and still answer.
func TestOnlyWhatChangedIsBuilt(t *testing.T) {
	svc := requireServices(t)
	deploys := newDeployCounter(t, svc.GatewayURL)
	sys := newSystemWith(t, 1, "OFC_GATEWAY_URL="+deploys.URL)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	repo := gittest.NewServer(t).NewRepo(owner, "trio", "main")
	name := func(fn string) string { return plan.DeployName(owner, "trio", "", fn) }

	var before string
	push := func(message string, files map[string]string) (string, map[string]pipeline.FunctionBuild) {
		t.Helper()
		sha := repo.Commit("main", message, files)
		b := sys.pushed(fixture.Push{Owner: owner, Repo: "trio", CloneURL: repo.CloneURL,
			DefaultBranch: "main", Branch: "main", Before: before, After: sha})
		before = sha
		fns := map[string]pipeline.FunctionBuild{}
		for _, fb := range b.Functions {
			fns[fb.Name] = fb
		}
		return sha, fns
	}
	answers := func(want map[string]string) {
		t.Helper()
		for fn, body := range want {
			path := "/index.html"
			if fn == "shared" {
				fn, path = "a", "/lib/msg.txt"
			}
			if a := call(t, sys.svc, name(fn), http.MethodGet, path, "", ""); a.status != 200 || a.body != body {
				t.Errorf("%s%s = %d %q, want %q", fn, path, a.status, a.body, body)
			}
		}
	}
	// expect checks which functions were built and which reused from
	// commit from, and that the reused ones were not deployed again.
	expect := func(sha string, fns map[string]pipeline.FunctionBuild, built []string, from string, deploysBefore map[string]int) {
		t.Helper()
		isBuilt := map[string]bool{}
		for _, fn := range built {
			isBuilt[fn] = true
		}
		for _, fn := range []string{"a", "b", "c"} {
			fb := fns[fn]
			switch {
			case isBuilt[fn] && (fb.ReusedFrom != "" || fb.Unchanged):
				t.Errorf("%s: reused from %q (unchanged %v), want it built", fn, fb.ReusedFrom, fb.Unchanged)
			case isBuilt[fn] && deploys.of(name(fn)) != deploysBefore[fn]+1:
				t.Errorf("%s: deployed %d times, want once more than %d", fn, deploys.of(name(fn)), deploysBefore[fn])
			case !isBuilt[fn] && (fb.ReusedFrom != from || !fb.Unchanged):
				t.Errorf("%s: reused from %q (unchanged %v), want reused from %s and unchanged", fn, fb.ReusedFrom, fb.Unchanged, from)
			case !isBuilt[fn] && deploys.of(name(fn)) != deploysBefore[fn]:
				t.Errorf("%s: deployed again (%d times), want it left running", fn, deploys.of(name(fn)))
			case !isBuilt[fn]:
				want := "unchanged since " + pipeline.ShortSHA(from) + ", image reused"
				if st := sys.last(sha, "ofc/"+fn); st.State != "success" || st.Description != want {
					t.Errorf("status ofc/%s = %s %q, want success %q", fn, st.State, st.Description, want)
				}
			}
		}
	}
	counts := func() map[string]int {
		return map[string]int{"a": deploys.of(name("a")), "b": deploys.of(name("b")), "c": deploys.of(name("c"))}
	}

	first, _ := push("three functions", trio("a1\n", "s1\n"))
	answers(map[string]string{"a": "a1\n", "b": "b\n", "c": "c\n", "shared": "s1\n"})

	n := counts()
	second, fns := push("change a", trio("a2\n", "s1\n"))
	expect(second, fns, []string{"a"}, first, n)
	answers(map[string]string{"a": "a2\n", "b": "b\n", "c": "c\n"})

	// Code two functions share, through links in their folders: both
	// are built, the third is not.
	n = counts()
	third, fns := push("change the shared code", trio("a2\n", "s2\n"))
	expect(third, fns, []string{"a", "b"}, first, n)
	if fns["c"].ReusedFrom != first {
		t.Errorf("c reused from %s, want %s, the commit that built it", fns["c"].ReusedFrom, first)
	}
	answers(map[string]string{"shared": "s2\n", "c": "c\n"})

	// A push that changes nothing a function is made of builds nothing
	// and deploys nothing.
	n = counts()
	readme := trio("a2\n", "s2\n")
	readme["README.md"] = "docs only\n"
	_, fns = push("docs", readme)
	for _, fn := range []string{"a", "b", "c"} {
		if !fns[fn].Unchanged || fns[fn].ReusedFrom == "" {
			t.Errorf("%s after a docs-only push: reused from %q, unchanged %v", fn, fns[fn].ReusedFrom, fns[fn].Unchanged)
		}
	}
	if c := counts(); c["a"] != n["a"] || c["b"] != n["b"] || c["c"] != n["c"] {
		t.Errorf("deploys went from %v to %v after a push that changed nothing", n, c)
	}
	if fns["a"].ReusedFrom != third {
		t.Errorf("a reused from %s, want %s", fns["a"].ReusedFrom, third)
	}
	answers(map[string]string{"a": "a2\n", "b": "b\n", "c": "c\n", "shared": "s2\n"})
}
