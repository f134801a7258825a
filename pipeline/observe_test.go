package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// memObserver records what the runner tells an Observer.
type memObserver struct {
	mu        sync.Mutex
	stages    []string // "stage/how/ok"
	functions []FunctionOutcome
	builds    []string // "kind/state"
	live      []time.Duration
}

func (o *memObserver) StageDone(s Stage, how string, d time.Duration, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d < 0 {
		how += "(negative)"
	}
	o.stages = append(o.stages, fmt.Sprintf("%s/%s/%t", s, how, ok))
}
func (o *memObserver) FunctionDone(f FunctionOutcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.functions = append(o.functions, f)
}
func (o *memObserver) BuildDone(k EventKind, st State) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.builds = append(o.builds, string(k)+"/"+string(st))
}
func (o *memObserver) Live(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.live = append(o.live, d)
}

// tracingBuilder says, as BuildKit's builder does, how long its push took.
type tracingBuilder struct{ push time.Duration }

func (b tracingBuilder) Build(ctx context.Context, s FunctionSpec, _ io.Writer) (string, error) {
	if s.Name == "bad" {
		return "", errors.New("process go build: exit code 1")
	}
	time.Sleep(2 * b.push)
	if t := BuildTraceFrom(ctx); t != nil {
		t.Pushed(b.push)
	}
	return "sha256:" + s.Name, nil
}

// Every stage a function goes through is told to the Observer as it ends
// and kept on the function's record, in order, the push cut from the end
// of the build as the builder timed it.
func TestTheObserverHearsEveryStage(t *testing.T) {
	st, dep, rep := &memStore{state: Queued}, &memDeployer{images: map[string]string{}}, &memReporter{}
	r := newRunner(t, st, okFetch, specs("a", "bad"), nil, dep, rep)
	r.cfg.Builder = tracingBuilder{push: 20 * time.Millisecond}
	obs := &memObserver{}
	r.cfg.Observer = obs
	req := (&memDelivery{}).Request()
	req.Event.Kind, req.Event.ReceivedAt = Push, time.Now().Add(-time.Second)
	r.Handle(context.Background(), &memDelivery{req: req, n: 1, max: 3})

	slices.Sort(obs.stages)
	want := []string{"build/built/false", "build/built/true", "clone//true", "deploy/deployed/true",
		"plan//true", "push//true", "queue//true", "ready//true"}
	if !slices.Equal(obs.stages, want) {
		t.Errorf("stages told\n %v, want\n %v", obs.stages, want)
	}
	if !slices.Equal(obs.builds, []string{"push/failure"}) {
		t.Errorf("builds told %v", obs.builds)
	}
	outcomes := map[FunctionOutcome]bool{}
	for _, f := range obs.functions {
		outcomes[f] = true
	}
	if len(obs.functions) != 2 || !outcomes[FunctionOutcome{State: Success, Image: "built", Deploy: "deployed"}] ||
		!outcomes[FunctionOutcome{State: Failure}] {
		t.Errorf("functions told %+v", obs.functions)
	}
	if len(obs.live) != 1 || obs.live[0] < time.Second {
		t.Errorf("push to live told %v, want one of at least 1s", obs.live)
	}

	a := st.functions["a"].Stages
	var names []string
	for i, s := range a {
		names = append(names, string(s.Stage))
		if s.FinishedAt.Before(s.StartedAt) || (i > 0 && s.StartedAt.Before(a[i-1].FinishedAt)) {
			t.Errorf("stage %s runs %v..%v, after %+v", s.Stage, s.StartedAt, s.FinishedAt, a[max(i-1, 0)])
		}
	}
	if strings.Join(names, ",") != "build,push,deploy,ready" {
		t.Fatalf("a's stages %v", names)
	}
	if a[0].FinishedAt != a[1].StartedAt || a[1].FinishedAt.Sub(a[1].StartedAt) != 20*time.Millisecond {
		t.Errorf("push %v..%v does not end the build (%v) with its own 20ms", a[1].StartedAt, a[1].FinishedAt, a[0].FinishedAt)
	}
	if bad := st.functions["bad"].Stages; len(bad) != 1 || !bad[0].Failed || bad[0].Stage != StageBuild {
		t.Errorf("bad's stages %+v", bad)
	}
}

// A reused image and a deploy the gateway has already are counted as
// such, and make nothing newly live.
func TestTheObserverCountsReusedAndUnchanged(t *testing.T) {
	old := strings.Repeat("9", 40)
	hashed := func() ([]FunctionSpec, error) {
		sp, _ := specs("a")()
		sp[0].ContentHash = "h-a"
		return sp, nil
	}
	images := &memBuilt{tagged: map[string]string{},
		built: map[string]BuiltImage{"h-a": {Image: "reg/alice/fns/a:" + old, Digest: "sha256:old", Commit: old}}}
	dep := &memDeployer{images: map[string]string{}, annotations: map[string]map[string]string{}}
	sp, _ := hashed()
	image := "reg/alice/fns/a@sha256:old"
	dep.images["alice-a"] = image
	dep.annotations["alice-a"] = fingerprinted(sp[0], image).Deployment.Annotations

	st := &memStore{state: Queued}
	r := newRunner(t, st, okFetch, hashed, nil, dep, &memReporter{})
	r.cfg.Built, r.cfg.Retagger = images, images
	obs := &memObserver{}
	r.cfg.Observer = obs
	r.Handle(context.Background(), &memDelivery{n: 2, max: 3})

	slices.Sort(obs.stages)
	want := []string{"build/reused/true", "clone//true", "deploy/unchanged/true", "plan//true", "ready//true"}
	if !slices.Equal(obs.stages, want) {
		t.Errorf("stages told\n %v, want\n %v (no queue wait on a retry)", obs.stages, want)
	}
	if len(obs.functions) != 1 || obs.functions[0] != (FunctionOutcome{State: Success, Image: "reused", Deploy: "unchanged"}) {
		t.Errorf("functions told %+v", obs.functions)
	}
	if len(obs.live) != 0 {
		t.Errorf("an unchanged function made live: %v", obs.live)
	}
}
