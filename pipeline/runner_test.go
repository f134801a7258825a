package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests drive the runner's orchestration with in-memory stand-ins;
// test/ runs the same runner against the real services.

type memStore struct {
	mu        sync.Mutex
	state     State
	step      Step
	msg       string
	requeued  int
	functions map[string]FunctionBuild
	// heldFor is what a claim of a running build reports.
	heldFor time.Duration
	// supersededBy, once set, is what the next heartbeat reports.
	supersededBy string
}

func (s *memStore) ClaimBuild(_ context.Context, _ int64, _ time.Duration) (Claim, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.state.Final():
		return Claim{Final: true}, nil
	case s.state == Running:
		return Claim{HeldFor: s.heldFor}, nil
	}
	s.state = Running
	return Claim{Won: true}, nil
}
func (s *memStore) Heartbeat(context.Context, int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.supersededBy != "" {
		return &SupersededError{By: s.supersededBy}
	}
	return nil
}
func (s *memStore) SaveFunctionBuild(_ context.Context, fb FunctionBuild) (FunctionBuild, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.functions == nil {
		s.functions = map[string]FunctionBuild{}
	}
	s.functions[fb.Name] = fb
	return fb, nil
}
func (s *memStore) FinishBuild(_ context.Context, _ int64, st State, step Step, msg string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state, s.step, s.msg = st, step, msg
	return nil
}
func (s *memStore) RequeueBuild(ctx context.Context, _ int64, _ string) error {
	if err := ctx.Err(); err != nil {
		return err // as Postgres would, with a cancelled context
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = Queued
	s.requeued++
	return nil
}

type fetchFunc func(context.Context, Event, string) error

func (f fetchFunc) Fetch(ctx context.Context, ev Event, dir string) error { return f(ctx, ev, dir) }

type planFunc func() ([]FunctionSpec, error)

func (f planFunc) Plan(context.Context, Event, string, string) (Plan, error) {
	specs, err := f()
	return Plan{Functions: specs}, err
}

type buildFunc func(FunctionSpec) (string, error)

func (f buildFunc) Build(_ context.Context, s FunctionSpec, log io.Writer) (string, error) {
	fmt.Fprintf(log, "building %s\n", s.Name)
	return f(s)
}

type memDeployer struct {
	mu     sync.Mutex
	images map[string]string
	// annotations are each name's, as the gateway reports them.
	annotations map[string]map[string]string
	deploys     int
}

func (d *memDeployer) Deploy(_ context.Context, s FunctionSpec, image string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.images[s.DeployName] = image
	if d.annotations != nil {
		d.annotations[s.DeployName] = s.Deployment.Annotations
	}
	d.deploys++
	return nil
}
func (d *memDeployer) WaitReady(context.Context, string) error { return nil }
func (d *memDeployer) Running(_ context.Context, name string) (string, map[string]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.images[name], d.annotations[name], nil
}

type memReporter struct {
	mu       sync.Mutex
	statuses []CommitStatus
}

func (r *memReporter) Report(_ context.Context, _ Event, st CommitStatus) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.statuses = append(r.statuses, st)
	return nil
}

// states lists the states reported on one context, in order.
func (r *memReporter) states(context string) []StatusState {
	var out []StatusState
	for _, s := range r.statuses {
		if s.Context == context {
			out = append(out, s.State)
		}
	}
	return out
}

type nopSink struct{}

func (nopSink) Line(context.Context, int64, string, Step, string) {}
func (nopSink) Flush(context.Context, int64, bool)                {}

type memDelivery struct {
	// req is the request delivered; zero means a push of alice/fns.
	req     BuildRequest
	n, max  int
	settled string
	delay   time.Duration
}

func (d *memDelivery) Request() BuildRequest {
	if d.req.BuildID != 0 {
		return d.req
	}
	return BuildRequest{BuildID: 1, Event: Event{Commit: strings.Repeat("a", 40),
		Repo: Repo{Owner: "alice", Name: "fns"}}}
}
func (d *memDelivery) Attempt() (int, int)              { return d.n, d.max }
func (d *memDelivery) InProgress(context.Context) error { return nil }

// The queue cannot be told anything on a cancelled context.
func (d *memDelivery) Ack(ctx context.Context) error { return d.settle(ctx, "ack") }
func (d *memDelivery) Nak(ctx context.Context, delay time.Duration) error {
	d.delay = delay
	return d.settle(ctx, "nak")
}
func (d *memDelivery) Term(ctx context.Context, _ string) error { return d.settle(ctx, "term") }

func (d *memDelivery) settle(ctx context.Context, how string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.settled = how
	return nil
}

func specs(names ...string) planFunc {
	return func() ([]FunctionSpec, error) {
		var out []FunctionSpec
		for _, n := range names {
			out = append(out, FunctionSpec{Name: n, DeployName: "alice-" + n, Image: "reg/alice/fns/" + n + ":abc"})
		}
		return out, nil
	}
}

func newRunner(t *testing.T, st *memStore, src fetchFunc, pl planFunc, b buildFunc, d *memDeployer, rep *memReporter) *Runner {
	t.Helper()
	r, err := NewRunner(RunnerConfig{Store: st, Source: src, History: linearHistory{}, Planner: pl, Builder: b, Deployer: d,
		Reporter: rep, Logs: nopSink{}, WorkDir: t.TempDir(),
		Deployments: &memDeployments{live: map[string]Deployed{}}, Remover: &memRemover{}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func okFetch(context.Context, Event, string) error { return nil }

func TestOneFailingFunctionFailsTheBuildButNotTheOthers(t *testing.T) {
	st, dep, rep := &memStore{state: Queued}, &memDeployer{images: map[string]string{}}, &memReporter{}
	build := buildFunc(func(s FunctionSpec) (string, error) {
		if s.Name == "bad" {
			return "", errors.New("process go build: exit code 1\n./handler.go:7:2: undefined: nope")
		}
		return "sha256:" + s.Name, nil
	})
	d := &memDelivery{n: 1, max: 3}
	newRunner(t, st, okFetch, specs("a", "bad", "c"), build, dep, rep).Handle(context.Background(), d)

	if d.settled != "ack" {
		t.Errorf("delivery %s, want ack once the failure is stored", d.settled)
	}
	if st.state != Failure || st.step != StepBuild || !strings.Contains(st.msg, "function bad: build") {
		t.Errorf("build stored as %s/%s %q", st.state, st.step, st.msg)
	}
	if dep.images["alice-a"] != "reg/alice/fns/a@sha256:a" || dep.images["alice-c"] != "reg/alice/fns/c@sha256:c" {
		t.Errorf("other functions not deployed by digest: %v", dep.images)
	}
	if _, ok := dep.images["alice-bad"]; ok {
		t.Error("the failed function was deployed")
	}
	if got := rep.states("ofc/bad"); len(got) < 2 || got[0] != StatusPending || got[len(got)-1] != StatusFailure {
		t.Errorf("ofc/bad went %v", got)
	}
	for _, s := range rep.statuses {
		if s.Context == "ofc/bad" && s.State == StatusFailure && !strings.Contains(s.Description, "undefined: nope") {
			t.Errorf("failure description %q does not name the error", s.Description)
		}
	}
	if got := rep.states("ofc"); len(got) != 2 || got[0] != StatusPending || got[1] != StatusFailure {
		t.Errorf("overall context went %v", got)
	}
}

func TestStackErrorIsAResultNotARetry(t *testing.T) {
	st, rep := &memStore{state: Queued}, &memReporter{}
	pl := planFunc(func() ([]FunctionSpec, error) {
		return nil, errors.New("stack.yml: line 3: mapping values are not allowed")
	})
	d := &memDelivery{n: 1, max: 3}
	newRunner(t, st, okFetch, pl, nil, &memDeployer{}, rep).Handle(context.Background(), d)
	if d.settled != "ack" || st.state != Failure || st.step != StepStack {
		t.Fatalf("settled %s, build %s/%s", d.settled, st.state, st.step)
	}
	if got := rep.states("ofc"); got[len(got)-1] != StatusFailure {
		t.Errorf("overall context went %v", got)
	}
}

func TestTransientFailureRetriesThenGivesUp(t *testing.T) {
	st := &memStore{state: Queued}
	down := fetchFunc(func(context.Context, Event, string) error { return Transient(errors.New("connection refused")) })
	r := newRunner(t, st, down, specs("a"), nil, &memDeployer{}, &memReporter{})

	d := &memDelivery{n: 1, max: 2}
	r.Handle(context.Background(), d)
	if d.settled != "nak" || st.state != Queued || st.requeued != 1 {
		t.Fatalf("first attempt: settled %s, state %s", d.settled, st.state)
	}
	d = &memDelivery{n: 2, max: 2}
	r.Handle(context.Background(), d)
	if d.settled != "term" || st.state != Error || !strings.Contains(st.msg, "connection refused") {
		t.Fatalf("last attempt: settled %s, state %s %q", d.settled, st.state, st.msg)
	}
}

func TestDuplicateDeliveryIsAckedWithoutBuilding(t *testing.T) {
	st := &memStore{state: Success}
	fetched := false
	src := fetchFunc(func(context.Context, Event, string) error { fetched = true; return nil })
	d := &memDelivery{n: 1, max: 3}
	newRunner(t, st, src, specs("a"), nil, &memDeployer{}, &memReporter{}).Handle(context.Background(), d)
	if d.settled != "ack" || fetched {
		t.Fatalf("settled %s, fetched %v", d.settled, fetched)
	}
}

// TestADeliveryOfABuildHeldElsewhereComesBackLater: a delivery of a build
// another runner holds is not acked away, which would strand the build if
// that runner died; it comes back once the claim would be stale.
func TestADeliveryOfABuildHeldElsewhereComesBackLater(t *testing.T) {
	st := &memStore{state: Running, heldFor: 40 * time.Second}
	fetched := false
	src := fetchFunc(func(context.Context, Event, string) error { fetched = true; return nil })
	d := &memDelivery{n: 2, max: 5}
	newRunner(t, st, src, specs("a"), nil, &memDeployer{}, &memReporter{}).Handle(context.Background(), d)
	if d.settled != "nak" || fetched {
		t.Fatalf("settled %s, fetched %v; want a nak and no build", d.settled, fetched)
	}
	// The default claim timeout is a minute: a heartbeat every 15s.
	if d.delay != 55*time.Second {
		t.Errorf("delayed %s, want the 40s the claim stays good and a heartbeat", d.delay)
	}
}

// TestAStopPastTheGraceHandsTheBuildBack: when shutdown cancels a build's
// context, whatever error the step returns, the build goes back to the
// queue for another runner, and the queue is told so, on a context of the
// attempt's end that the shutdown did not cancel.
func TestAStopPastTheGraceHandsTheBuildBack(t *testing.T) {
	st := &memStore{state: Queued}
	ctx, cancel := context.WithCancel(context.Background())
	src := fetchFunc(func(ctx context.Context, _ Event, _ string) error {
		cancel()
		<-ctx.Done()
		// Not marked transient: what a tool says when it is killed.
		return errors.New("git fetch: signal: killed")
	})
	d := &memDelivery{n: 1, max: 5}
	newRunner(t, st, src, specs("a"), nil, &memDeployer{}, &memReporter{}).Handle(ctx, d)
	if st.state != Queued || st.requeued != 1 {
		t.Errorf("build %s after %d requeues, want it handed back", st.state, st.requeued)
	}
	if d.settled != "nak" {
		t.Errorf("delivery %q, want a nak for another runner", d.settled)
	}
}
