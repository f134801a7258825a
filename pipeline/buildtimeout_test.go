package pipeline

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// specBuild is an ImageBuilder that runs f with the build's context, for
// builds that last until it ends.
type specBuild func(ctx context.Context, s FunctionSpec) (string, error)

func (f specBuild) Build(ctx context.Context, s FunctionSpec, _ io.Writer) (string, error) {
	return f(ctx, s)
}

// hangUntilDone is a build that never ends by itself, returning what
// BuildKit's client would once its context ends: the context's error,
// here marked transient as an infrastructure error would be, to check
// that the timeout is told apart from it all the same.
func hangUntilDone(ctx context.Context, s FunctionSpec) (string, error) {
	if s.Name != "slow" {
		return "sha256:" + s.Name, nil
	}
	<-ctx.Done()
	return "", Transient(fmt.Errorf("solve: %w", ctx.Err()))
}

func timeoutRunner(t *testing.T, st *memStore, b ImageBuilder, dep *memDeployer, rep *memReporter, timeout time.Duration) *Runner {
	t.Helper()
	r, err := NewRunner(RunnerConfig{Store: st, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: specs("fast", "slow"),
		Builder: b, Deployer: dep, Reporter: rep, Logs: nopSink{}, WorkDir: t.TempDir(), BuildTimeout: timeout,
		Deployments: &memDeployments{live: map[string]Deployed{}}, Remover: &memRemover{}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestABuildPastTheBuildTimeoutFailsItsFunction(t *testing.T) {
	st, dep, rep := &memStore{state: Queued}, &memDeployer{images: map[string]string{}}, &memReporter{}
	d := &memDelivery{n: 1, max: 3}
	timeoutRunner(t, st, specBuild(hangUntilDone), dep, rep, 50*time.Millisecond).Handle(context.Background(), d)

	if d.settled != "ack" || st.state != Failure || st.step != StepBuild {
		t.Fatalf("settled %s, build %s/%s %q: want the user's failure, acked, not retried", d.settled, st.state, st.step, st.msg)
	}
	slow := st.functions["slow"]
	if slow.State != Failure || slow.FailedStep != StepBuild || slow.Error != "build took longer than 50ms" {
		t.Errorf("slow stored as %s/%s %q", slow.State, slow.FailedStep, slow.Error)
	}
	if fast := st.functions["fast"]; fast.State != Success {
		t.Errorf("fast stored as %s: another function's timeout is not its own", fast.State)
	}
	if _, ok := dep.images["alice-slow"]; ok {
		t.Error("the function that timed out was deployed")
	}
	found := false
	for _, s := range rep.statuses {
		if s.Context == "ofc/slow" && s.State == StatusFailure {
			found = strings.Contains(s.Description, "build took longer than 50ms")
		}
	}
	if !found {
		t.Errorf("no failure status on ofc/slow says the build took too long: %+v", rep.statuses)
	}
}

// TestABuildStoppedByTheRunnerIsNotATimeout: the builder stopping ends
// the build's context too, which must not read as the user's build being
// too long.
func TestABuildStoppedByTheRunnerIsNotATimeout(t *testing.T) {
	st, rep := &memStore{state: Queued}, &memReporter{}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	b := specBuild(func(bctx context.Context, s FunctionSpec) (string, error) {
		if s.Name == "slow" {
			close(started)
		}
		return hangUntilDone(bctx, s)
	})
	go func() {
		<-started
		cancel()
	}()
	d := &memDelivery{n: 1, max: 3}
	timeoutRunner(t, st, b, &memDeployer{images: map[string]string{}}, rep, time.Hour).Handle(ctx, d)

	if st.state == Failure || strings.Contains(st.msg, "took longer") {
		t.Errorf("build stored as %s %q: a stop is not a failure", st.state, st.msg)
	}
	if slow := st.functions["slow"]; slow.State == Failure || strings.Contains(slow.Error, "took longer") {
		t.Errorf("slow stored as %s %q: a stop is not a timeout", slow.State, slow.Error)
	}
}

func TestTheBuildTimeoutDefaultsToHalfAnHour(t *testing.T) {
	r := timeoutRunner(t, &memStore{}, specBuild(hangUntilDone), &memDeployer{}, &memReporter{}, 0)
	if r.cfg.BuildTimeout != 30*time.Minute {
		t.Errorf("BuildTimeout = %s, want 30m0s", r.cfg.BuildTimeout)
	}
}
