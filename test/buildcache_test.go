package test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/faults"
	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/internal/testenv"
	"github.com/ofcbuild/ofc/pipeline"
)

// depsDockerfile has a slow step before the handler, as installing a
// function's dependencies is.
const depsDockerfile = `FROM busybox:latest
RUN echo "installing dependencies" && sleep 2 && echo deps > /deps.txt
COPY index.html /www/index.html
RUN mkdir -p /www/_ && echo ok > /www/_/health
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`

// A builder whose buildkitd lost its cache (wiped and started again, as
// on a new machine) builds a changed function from the cache the registry
// keeps: the steps before the change are not run, their layers pulled.
func TestBuildCacheSurvivesAWipedBuildkitd(t *testing.T) {
	bin := filepath.Join(moduleRoot(), ".dev", "bin", "buildkitd")
	if _, err := os.Stat(bin); err != nil {
		testenv.Missing(t, "buildkitd is not built: make up builds it into .dev/bin")
	}
	svc := requireServices(t)
	bk, err := faults.StartBuildKit(t, faults.BuildKitConfig{Bin: bin, Mirror: svc.Registry})
	requireStarted(t, "private buildkitd", err, false)
	sys := newSystemWith(t, 1, "OFC_BUILDKIT_ADDR="+bk.Addr())
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	repo := gittest.NewServer(t).NewRepo(owner, "cached", "main")
	files := func(page string) map[string]string {
		return map[string]string{
			"stack.yml":       "functions:\n  site:\n    lang: dockerfile\n    handler: ./site\n",
			"site/Dockerfile": depsDockerfile, "site/index.html": page,
		}
	}
	first := repo.Commit("main", "v1", files("v1\n"))
	b := sys.pushed(fixture.Push{Owner: owner, Repo: "cached", CloneURL: repo.CloneURL, DefaultBranch: "main", Branch: "main", After: first})
	// The step's own output, "#7 0.104 installing dependencies", says it ran.
	ran := regexp.MustCompile(`(?m)^#\d+ \d+\.\d+ installing dependencies$`)
	if log := sys.logText(b.ID); !ran.MatchString(log) {
		t.Fatalf("the first build did not run its steps:\n%s", log)
	}

	if err := bk.Wipe(); err != nil {
		t.Fatal(err)
	}
	if err := bk.Start(); err != nil {
		t.Fatal(err)
	}
	second := repo.Commit("main", "v2", files("v2\n"))
	b = sys.pushed(fixture.Push{Owner: owner, Repo: "cached", CloneURL: repo.CloneURL, DefaultBranch: "main", Branch: "main",
		Before: first, After: second})
	log := sys.logText(b.ID)
	if ran.MatchString(log) {
		t.Errorf("the slow step ran again after the wipe:\n%s", log)
	}
	// The step's result came from the registry: the cache was imported,
	// and the step's layer pulled and extracted rather than built.
	step := regexp.MustCompile(`#(\d+) \[\d+/\d+\] RUN echo "installing dependencies"`).FindStringSubmatch(log)
	if !strings.Contains(log, "importing cache manifest from ") || step == nil ||
		!regexp.MustCompile(`(?m)^#`+step[1]+` extracting sha256:`).MatchString(log) {
		t.Errorf("the slow step's result is not shown taken from the registry's cache:\n%s", log)
	}
	if fb := b.Functions[0]; fb.State != pipeline.Success || fb.ReusedFrom != "" {
		t.Errorf("site = %s, reused from %q; want it built", fb.State, fb.ReusedFrom)
	}
	if code, body := invoke(t, sys.svc, b.Functions[0].DeployName, "GET", ""); code != 200 || body != "v2\n" {
		t.Errorf("site answers %d %q, want v2", code, body)
	}
}
