package test

import (
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// The kill suite's fixed load: repos repositories, each pushed to pushes
// times, one push after the other's build ended, with a builder
// SIGKILLed kills times along the way.
const (
	killRepos  = 10
	killPushes = 5
	kills      = 5
)

// TestBuildersKilledDuringFiftyBuildsLoseNothing: two builders, fifty
// builds, and a builder SIGKILLed five times in the middle of them (a
// new one started each time). Every build ends, each with its own code
// deployed, and the gateway is never given one function's image twice.
func TestBuildersKilledDuringFiftyBuildsLoseNothing(t *testing.T) {
	svc := requireServices(t)
	counter := newDeployCounter(t, svc.GatewayURL)
	sys := newSystemWith(t, 2, "OFC_GATEWAY_URL="+counter.URL, "OFC_CLAIM_TIMEOUT=8s",
		"OFC_REAP_AFTER=24s", "OFC_REAP_SCHEDULE=@every 5s")
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, svc, owner)
	git := gittest.NewServer(t)

	type result struct {
		repo    string
		builds  []int64
		version string
	}
	results := make([]result, killRepos)
	var wg sync.WaitGroup
	for i := range killRepos {
		name := fmt.Sprintf("fns%d", i)
		repo := git.NewRepo(owner, name, "main")
		results[i].repo = name
		wg.Add(1)
		go func() {
			defer wg.Done()
			before := strings.Repeat("0", 40)
			for n := range killPushes {
				v := fmt.Sprintf("%s-%d-%s", name, n, randomID())
				sha := repo.Commit("main", v, versionFiles(v))
				r := sys.push(fixture.Push{Owner: owner, Repo: name, CloneURL: repo.CloneURL, DefaultBranch: "main",
					Branch: "main", Before: before, After: sha, Message: v}, "delivery-"+randomID())
				if r.Code != 202 {
					t.Errorf("push %s answered %d %+v", v, r.Code, r)
					return
				}
				results[i].builds = append(results[i].builds, r.BuildID)
				results[i].version = v
				// The next push waits for this build, so that each is
				// built, not superseded; the kills are what is tested.
				for b := sys.build(r.BuildID); !b.State.Final(); b = sys.build(r.BuildID) {
					time.Sleep(250 * time.Millisecond)
				}
				before = sha
			}
		}()
	}

	// Kill a builder in the middle of a build, kills times, each time
	// once some build is running, and start another in its place.
	start := time.Now()
	for k := range kills {
		waitSomeRunning(t, sys, owner, killRepos)
		// The oldest builder alive: each kill takes one, each start adds one.
		victim := sys.pids["builder"][k]
		if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		sys.start("builder", fmt.Sprintf("OFC_BUILDER_NAME=builder-after-kill-%d", k))
		time.Sleep(3 * time.Second) // the pace of the kills, not a wait for a result
	}
	wg.Wait()

	builds, final, ok := 0, 0, 0
	for _, r := range results {
		for _, id := range r.builds {
			builds++
			b := sys.waitFinal(id, buildWithin)
			final++
			if b.State == pipeline.Success {
				ok++
			} else {
				t.Errorf("%s build %d: %s at %q: %s", r.repo, id, b.State, b.FailedStep, b.Error)
			}
		}
		name := plan.DeployName(owner, r.repo, "", "version")
		if _, got := invoke(t, svc, name, "GET", ""); got != r.version {
			t.Errorf("%s answers %q, want its last push's %q", r.repo, got, r.version)
		}
	}
	deploys, duplicates := counter.tally(owner)
	if builds != killRepos*killPushes || duplicates != 0 {
		t.Errorf("%d builds accepted (want %d), %d duplicate deploys", builds, killRepos*killPushes, duplicates)
	}
	t.Logf("FAULT builders-sigkilled-%dx accepted=%d final=%d succeeded=%d lost=%d deploys=%d duplicate_deploys=%d took=%s",
		kills, builds, final, ok, builds-final, deploys, duplicates, time.Since(start).Round(time.Second))
}

// waitSomeRunning waits until one of owner's repositories has a running
// build.
func waitSomeRunning(t *testing.T, sys *system, owner string, repos int) {
	t.Helper()
	for deadline := time.Now().Add(buildWithin); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for i := range repos {
			for _, b := range sys.builds(owner, fmt.Sprintf("fns%d", i)) {
				if b.State == pipeline.Running {
					return
				}
			}
		}
	}
	t.Fatalf("no build of %s running within %s", owner, buildWithin)
}
