package test

import (
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// Tokens of the on-demand tests: alice's writes, ci's only reads.
const (
	writeToken = "w-tok-e2e"
	readToken  = "r-tok-e2e"
)

// pageDockerfile serves the function's folder; SLOW, when set as a build
// arg, makes its build take that many seconds.
const pageDockerfile = `FROM busybox:latest
ARG SLOW=0
RUN sleep $SLOW
COPY . /www/
RUN mkdir -p /www/_ && echo ok > /www/_/health
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`

// searchStack is three functions, two of which "*search" matches; slow
// makes api's build take that many seconds.
func searchStack(slow int) map[string]string {
	files := map[string]string{
		"stack.yml": "functions:\n" +
			fmt.Sprintf("  api:\n    lang: dockerfile\n    handler: ./api\n    build_args:\n      SLOW: \"%d\"\n", slow) +
			"  web-search:\n    lang: dockerfile\n    handler: ./web-search\n" +
			"  img-search:\n    lang: dockerfile\n    handler: ./img-search\n",
	}
	for _, fn := range []string{"api", "web-search", "img-search"} {
		files[fn+"/Dockerfile"] = pageDockerfile
		files[fn+"/index.html"] = fn + "\n"
	}
	return files
}

// ofc runs the CLI against the system with token and returns its exit
// code, standard output and standard error.
func (s *system) ofc(token string, args ...string) (int, string, string) {
	s.t.Helper()
	cmd := exec.Command(binary(s.t, "ofc"), args...)
	cmd.Env = []string{"OFC_URL=" + s.WebhookURL, "OFC_TOKEN=" + token, "NO_COLOR=1", "HOME=" + s.t.TempDir()}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		s.t.Fatalf("ofc %v: %v", args, err)
	}
	return code, stdout.String(), stderr.String()
}

var queuedBuild = regexp.MustCompile(`^build (\d+) queued: `)

// A rebuild with a filter builds and deploys only the matching functions,
// afresh, and leaves the other running; a cancel stops a running build as
// cancelled, saying who asked. A token that may only read is refused both,
// with a message saying why.
func TestRebuildAndCancelThroughTheCLI(t *testing.T) {
	svc := requireServices(t)
	deploys := newDeployCounter(t, svc.GatewayURL)
	sys := newSystemWith(t, 1, "OFC_GATEWAY_URL="+deploys.URL, "OFC_CLAIM_TIMEOUT=8s",
		"OFC_API_TOKENS=alice:write:"+writeToken+",ci:read:"+readToken)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	repo := gittest.NewServer(t).NewRepo(owner, "search", "main")
	name := func(fn string) string { return plan.DeployName(owner, "search", "", fn) }
	sha := repo.Commit("main", "three functions", searchStack(0))
	first := sys.pushed(fixture.Push{Owner: owner, Repo: "search", CloneURL: repo.CloneURL, DefaultBranch: "main", Branch: "main", After: sha})
	id := strconv.FormatInt(first.ID, 10)
	apiDeploys := deploys.of(name("api"))

	// Read-only: refused, nothing queued.
	for _, args := range [][]string{{"rebuild", id, "--filter", "*search"}, {"cancel", id}} {
		code, out, errOut := sys.ofc(readToken, args...)
		if code != 3 || out != "" || !strings.Contains(errOut, `token "ci" may only read`) || !strings.Contains(errOut, "403 Forbidden") ||
			!strings.Contains(errOut, "name:write:token") {
			t.Errorf("ofc %v with a read token = %d %q %q, want exit 3 with a 403 saying a write token is needed", args, code, out, errOut)
		}
	}
	if code, _, errOut := sys.ofc("", "rebuild", id); code != 3 || !strings.Contains(errOut, "401 Unauthorized") {
		t.Errorf("ofc rebuild without a token = %d %q", code, errOut)
	}
	if n := len(sys.builds(owner, "search")); n != 1 {
		t.Fatalf("refused writes made builds: %d builds", n)
	}

	// Rebuild of the search functions.
	code, out, errOut := sys.ofc(writeToken, "rebuild", id, "--filter", "*search")
	m := queuedBuild.FindStringSubmatch(out)
	if code != 0 || m == nil || !strings.Contains(out, "asked by alice") {
		t.Fatalf("ofc rebuild = %d %q %q", code, out, errOut)
	}
	rebuildID, _ := strconv.ParseInt(m[1], 10, 64)
	rb := sys.waitFinal(rebuildID, 10*time.Minute)
	if rb.State != pipeline.Success || rb.Commit != sha {
		t.Fatalf("rebuild: %s %q at %s", rb.State, rb.Error, rb.Commit)
	}
	var names []string
	for _, fb := range rb.Functions {
		names = append(names, fb.Name)
		if fb.ReusedFrom != "" || fb.Digest == "" {
			t.Errorf("rebuild of %s: reused from %q, digest %q; want built afresh", fb.Name, fb.ReusedFrom, fb.Digest)
		}
	}
	if strings.Join(names, ",") != "img-search,web-search" {
		t.Errorf("the rebuild built %v, want the two search functions", names)
	}
	if n := deploys.of(name("api")); n != apiDeploys {
		t.Errorf("api was deployed %d times by the rebuild, want untouched", n-apiDeploys)
	}
	for _, fn := range []string{"api", "web-search", "img-search"} {
		if a := call(t, sys.svc, name(fn), http.MethodGet, "/index.html", "", ""); a.status != 200 || a.body != fn+"\n" {
			t.Errorf("%s after the rebuild = %d %q", fn, a.status, a.body)
		}
	}
	var actions struct {
		Actions []pipeline.Action `json:"actions"`
	}
	sys.getJSON(fmt.Sprintf("/api/builds/%d/actions", rebuildID), &actions)
	if len(actions.Actions) != 1 || actions.Actions[0].By != "alice" || actions.Actions[0].Kind != pipeline.ActionRebuild ||
		actions.Actions[0].BuildID != first.ID || fmt.Sprint(actions.Actions[0].Functions) != "[*search]" {
		t.Errorf("actions of the rebuild = %+v", actions.Actions)
	}

	// Cancel of a running build: api takes a minute to build.
	slow := repo.Commit("main", "slow api", searchStack(60))
	r := sys.push(fixture.Push{Owner: owner, Repo: "search", CloneURL: repo.CloneURL, DefaultBranch: "main", Branch: "main",
		Before: sha, After: slow}, "delivery-"+randomID())
	if r.Code != 202 {
		t.Fatalf("push answered %+v", r)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for sys.build(r.BuildID).State != pipeline.Running && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	code, out, errOut = sys.ofc(writeToken, "cancel", strconv.FormatInt(r.BuildID, 10))
	if code != 0 || !strings.Contains(out, "is stopping: cancelled by alice") {
		t.Fatalf("ofc cancel = %d %q %q", code, out, errOut)
	}
	start := time.Now()
	cancelled := sys.waitFinal(r.BuildID, time.Minute)
	if cancelled.State != pipeline.Superseded || cancelled.Error != "cancelled by alice" {
		t.Errorf("cancelled build: %s %q, want ended as cancelled by alice", cancelled.State, cancelled.Error)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the build took %s to stop after the cancel", took)
	}
	if st := sys.last(slow, "ofc"); st.State != "error" || !strings.Contains(st.Description, "cancelled by alice") {
		t.Errorf("commit status of the cancelled build = %+v", st)
	}
	if a := call(t, sys.svc, name("api"), http.MethodGet, "/index.html", "", ""); a.status != 200 || a.body != "api\n" {
		t.Errorf("api after the cancel = %d %q, want the first build's still running", a.status, a.body)
	}
	if code, _, errOut := sys.ofc(writeToken, "cancel", strconv.FormatInt(r.BuildID, 10)); code != 3 || !strings.Contains(errOut, "has ended already") {
		t.Errorf("second cancel = %d %q, want 409", code, errOut)
	}
}
