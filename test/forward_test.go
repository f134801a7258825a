package test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

const versionStack = `version: 1.0
provider:
  name: openfaas
functions:
  version:
    lang: dockerfile
    handler: ./version
    image: version:latest
`

// versionDockerfile answers its version. Its RUN takes two seconds, so
// that a burst of pushes a few hundred milliseconds apart all arrive
// while the first is building, however fast the machine.
const versionDockerfile = `FROM busybox:latest
RUN sleep 2 && mkdir -p /www/_ && echo ok > /www/_/health && echo -n "%s" > /www/index.html
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`

func versionFiles(v string) map[string]string {
	return map[string]string{"stack.yml": versionStack, "version/Dockerfile": fmt.Sprintf(versionDockerfile, v)}
}

// TestALatePushOfAParentDoesNotRollProductionBack: B is deployed, then
// the push of its parent A arrives (GitHub does not promise order, and a
// delivery can be redelivered by hand). A is built and not deployed:
// production still answers B, and A's status says why.
func TestALatePushOfAParentDoesNotRollProductionBack(t *testing.T) {
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	repo := gittest.NewServer(t).NewRepo(owner, "fns", "main")
	a := repo.Commit("main", "A", versionFiles("a-"+randomID()))
	vb := "b-" + randomID()
	b := repo.Commit("main", "B", versionFiles(vb))
	push := func(before, after string) fixture.Push {
		return fixture.Push{Owner: owner, Repo: "fns", CloneURL: repo.CloneURL, DefaultBranch: "main",
			Branch: "main", Before: before, After: after, Message: "push"}
	}
	sys.pushed(push(a, b))
	name := plan.DeployName(owner, "fns", "", "version")
	if _, got := invoke(t, sys.svc, name, "GET", ""); got != vb {
		t.Fatalf("after B: the function answers %q, want %q", got, vb)
	}

	late := sys.pushed(push(strings.Repeat("0", 40), a))
	if _, got := invoke(t, sys.svc, name, "GET", ""); got != vb {
		t.Errorf("after A's late push: the function answers %q, want B's %q still", got, vb)
	}
	fn, err := gatewayClient(t, sys.svc).Get(context.Background(), name)
	if err != nil || fn.Labels[pipeline.LabelCommit] != b {
		t.Errorf("gateway labels the function %q (%v), want B's commit %s", fn.Labels[pipeline.LabelCommit], err, b)
	}
	want := "built; not deployed: " + b[:7] + " is already live"
	if st := sys.last(a, "ofc/version"); !strings.HasPrefix(st.Description, want) || st.State != "success" {
		t.Errorf("A's status is %s %q, want success %q...", st.State, st.Description, want)
	}
	if late.State != pipeline.Success {
		t.Errorf("A's build is %s, want success (built, not deployed)", late.State)
	}
	t.Logf("FAULT late-parent-push accepted=2 lost=0 rolled_back=0")
}

// TestABurstOfPushesDeploysOnlyTheNewest: five pushes to one branch, a
// few hundred milliseconds apart, with two builders. The newest is
// deployed; every other build is superseded, deploys nothing, and says
// so; the function's answers never go backwards meanwhile.
func TestABurstOfPushesDeploysOnlyTheNewest(t *testing.T) {
	// A heartbeat every 2s: a superseded build is stopped within seconds.
	sys := newSystemWith(t, 2, "OFC_CLAIM_TIMEOUT=8s")
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	repo := gittest.NewServer(t).NewRepo(owner, "fns", "main")
	push := func(before, after string) fixture.Push {
		return fixture.Push{Owner: owner, Repo: "fns", CloneURL: repo.CloneURL, DefaultBranch: "main",
			Branch: "main", Before: before, After: after, Message: "push"}
	}
	versions := []string{"v0-" + randomID()}
	commits := []string{repo.Commit("main", "v0", versionFiles(versions[0]))}
	sys.pushed(push(strings.Repeat("0", 40), commits[0]))
	for i := 1; i <= 5; i++ {
		versions = append(versions, fmt.Sprintf("v%d-%s", i, randomID()))
		commits = append(commits, repo.Commit("main", versions[i], versionFiles(versions[i])))
	}
	name := plan.DeployName(owner, "fns", "", "version")

	// Call the function all along, noting each new answer.
	stop := make(chan struct{})
	var mu sync.Mutex
	var answers []string
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			// Not invoke: a failed call here is no reason to stop the test.
			resp, err := http.Get(sys.svc.GatewayURL + "/function/" + name)
			if err != nil {
				continue
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got := string(body); err == nil && resp.StatusCode == 200 {
				mu.Lock()
				if len(answers) == 0 || answers[len(answers)-1] != got {
					answers = append(answers, got)
				}
				mu.Unlock()
			}
		}
	}()

	ids := make([]int64, 6)
	for i := 1; i <= 5; i++ {
		r := sys.push(push(commits[i-1], commits[i]), "delivery-"+randomID())
		if r.Code != 202 {
			t.Fatalf("push %d answered %d %+v", i, r.Code, r)
		}
		ids[i] = r.BuildID
		time.Sleep(200 * time.Millisecond) // the burst's pace, not a wait for anything
	}
	for i := 1; i <= 5; i++ {
		b := sys.waitFinal(ids[i], buildWithin)
		switch {
		case i == 5 && b.State != pipeline.Success:
			t.Errorf("the newest build is %s at %q: %s", b.State, b.FailedStep, b.Error)
		case i < 5 && b.State != pipeline.Superseded:
			t.Errorf("build %d of the burst is %s (%s), want superseded", i, b.State, b.Error)
		case i < 5 && !strings.HasPrefix(b.Error, "superseded by "):
			t.Errorf("build %d of the burst says %q, want superseded by ...", i, b.Error)
		}
		if i < 5 {
			if st := sys.last(commits[i], "ofc"); !strings.HasPrefix(st.Description, "superseded by ") {
				t.Errorf("commit %d's status is %s %q, want superseded by ...", i, st.State, st.Description)
			}
		}
	}
	// The newest answers, and answered nothing older after it started to.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		mu.Lock()
		n := len(answers)
		last := ""
		if n > 0 {
			last = answers[n-1]
		}
		mu.Unlock()
		if last == versions[5] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the function answers %q a minute after the burst, want %q", last, versions[5])
		}
	}
	close(stop)
	wg.Wait()
	if len(answers) != 2 || answers[0] != versions[0] || answers[1] != versions[5] {
		t.Errorf("answers went %v, want %s then %s only", answers, versions[0], versions[5])
	}
	t.Logf("FAULT burst-of-5-pushes accepted=5 lost=0 deployed=1 superseded=4 answers=%d", len(answers))
}
