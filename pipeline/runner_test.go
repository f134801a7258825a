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
}

func (s *memStore) ClaimBuild(_ context.Context, _ int64, _ time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != Queued {
		return false, nil
	}
	s.state = Running
	return true, nil
}
func (s *memStore) Heartbeat(context.Context, int64) error { return nil }
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
func (s *memStore) RequeueBuild(context.Context, int64, string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = Queued
	s.requeued++
	return nil
}

type fetchFunc func(context.Context, Event, string) error

func (f fetchFunc) Fetch(ctx context.Context, ev Event, dir string) error { return f(ctx, ev, dir) }

type planFunc func() ([]FunctionSpec, error)

func (f planFunc) Plan(context.Context, Event, string, string) ([]FunctionSpec, error) { return f() }

type buildFunc func(FunctionSpec) (string, error)

func (f buildFunc) Build(_ context.Context, s FunctionSpec, log io.Writer) (string, error) {
	fmt.Fprintf(log, "building %s\n", s.Name)
	return f(s)
}

type memDeployer struct {
	mu     sync.Mutex
	images map[string]string
}

func (d *memDeployer) Deploy(_ context.Context, s FunctionSpec, image string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.images[s.DeployName] = image
	return nil
}
func (d *memDeployer) WaitReady(context.Context, string) error { return nil }

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
}

func (d *memDelivery) Request() BuildRequest {
	if d.req.BuildID != 0 {
		return d.req
	}
	return BuildRequest{BuildID: 1, Event: Event{Commit: strings.Repeat("a", 40),
		Repo: Repo{Owner: "alice", Name: "fns"}}}
}
func (d *memDelivery) Attempt() (int, int)                      { return d.n, d.max }
func (d *memDelivery) InProgress(context.Context) error         { return nil }
func (d *memDelivery) Ack(context.Context) error                { d.settled = "ack"; return nil }
func (d *memDelivery) Nak(context.Context, time.Duration) error { d.settled = "nak"; return nil }
func (d *memDelivery) Term(context.Context, string) error       { d.settled = "term"; return nil }

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
	r, err := NewRunner(RunnerConfig{Store: st, Source: src, Planner: pl, Builder: b, Deployer: d,
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
