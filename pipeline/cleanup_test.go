package pipeline

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// memDeployments is the deployments table in memory.
type memDeployments struct {
	mu      sync.Mutex
	live    map[string]Deployed
	removed map[string]string // name -> why
	images  []PrunableImage
}

func (m *memDeployments) RecordDeployed(_ context.Context, d Deployed) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.live[d.DeployName] = d
	return nil
}

// Advance holds the table's lock throughout, as the store holds the
// name's.
func (m *memDeployments) Advance(ctx context.Context, d Deployed, decide func(context.Context, *Deployed) (string, error),
	deploy func(context.Context) error) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var live *Deployed
	if l, ok := m.live[d.DeployName]; ok {
		live = &l
	}
	if why, err := decide(ctx, live); why != "" || err != nil {
		return why, err
	}
	if err := deploy(ctx); err != nil {
		return "", err
	}
	m.live[d.DeployName] = d
	return "", nil
}

func (m *memDeployments) LivePreviews(_ context.Context, _ int64, branch string) ([]Deployed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Deployed
	for _, d := range m.live {
		if d.Branch == branch && d.Preview {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Deployed) int { return cmpString(a.DeployName, b.DeployName) })
	return out, nil
}

func (m *memDeployments) LiveOnBranch(_ context.Context, _ int64, branch string) ([]Deployed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Deployed
	for _, d := range m.live {
		if d.Branch == branch {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Deployed) int { return cmpString(a.DeployName, b.DeployName) })
	return out, nil
}

func (m *memDeployments) MarkRemoved(_ context.Context, name string, _ int64, why string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.live, name)
	if m.removed == nil {
		m.removed = map[string]string{}
	}
	m.removed[name] = why
	return nil
}

func (m *memDeployments) PrunableImages(context.Context, int64, string) ([]PrunableImage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.images), nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// memRemover records what it removed; fail makes RemoveFunction fail.
type memRemover struct {
	mu        sync.Mutex
	functions []string
	images    []PrunableImage
	fail      error
}

func (r *memRemover) RemoveFunction(_ context.Context, name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.functions = append(r.functions, name)
	return nil
}

func (r *memRemover) PruneImage(_ context.Context, img PrunableImage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.images = append(r.images, img)
	return nil
}

func cleanupRunner(t *testing.T, st *memStore, deps *memDeployments, rm *memRemover, rep *memReporter) *Runner {
	t.Helper()
	r, err := NewRunner(RunnerConfig{Store: st, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: specs(), Builder: buildFunc(nil),
		Deployer: &memDeployer{images: map[string]string{}}, Reporter: rep, Logs: nopSink{}, WorkDir: t.TempDir(),
		Deployments: deps, Remover: rm})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func cleanupEvent(branch string, pr int) Event {
	return Event{Kind: Cleanup, Branch: branch, PullRequest: pr,
		Repo: Repo{Owner: "alice", Name: "fns", DefaultBranch: "main"}}
}

func TestCleanupRemovesTheBranchsPreviewsAndPrunesTheirImages(t *testing.T) {
	st, rm, rep := &memStore{state: Queued}, &memRemover{}, &memReporter{}
	deps := &memDeployments{live: map[string]Deployed{
		"alice-fns-a-feature-x-1": {DeployName: "alice-fns-a-feature-x-1", Function: "a", Branch: "feature/x", Preview: true},
		"alice-fns-b-feature-x-2": {DeployName: "alice-fns-b-feature-x-2", Function: "b", Branch: "feature/x", Preview: true},
		"alice-fns-a-other-3":     {DeployName: "alice-fns-a-other-3", Function: "a", Branch: "other", Preview: true},
		"alice-fns-a-4":           {DeployName: "alice-fns-a-4", Function: "a", Branch: "main"},
	}, images: []PrunableImage{{Image: "reg/alice/fns/a:abc", Digest: "sha256:1"}}}
	d := &memDelivery{req: BuildRequest{BuildID: 1, Event: cleanupEvent("feature/x", 7)}, n: 1, max: 3}
	cleanupRunner(t, st, deps, rm, rep).Handle(context.Background(), d)

	if d.settled != "ack" || st.state != Success {
		t.Fatalf("cleanup settled %q with state %s (%s), want ack and success", d.settled, st.state, st.msg)
	}
	if want := []string{"alice-fns-a-feature-x-1", "alice-fns-b-feature-x-2"}; !reflect.DeepEqual(rm.functions, want) {
		t.Errorf("removed %v, want %v", rm.functions, want)
	}
	if deps.removed["alice-fns-a-feature-x-1"] != "pull request #7 closed" {
		t.Errorf("removal recorded as %v", deps.removed)
	}
	if _, ok := deps.live["alice-fns-a-other-3"]; !ok {
		t.Error("another branch's preview was removed")
	}
	if _, ok := deps.live["alice-fns-a-4"]; !ok {
		t.Error("production was removed")
	}
	if !reflect.DeepEqual(rm.images, deps.images) {
		t.Errorf("pruned %v, want %v", rm.images, deps.images)
	}
	if len(st.functions) != 2 {
		t.Errorf("the cleanup's record lists %d functions, want the 2 removed", len(st.functions))
	}
	if len(rep.statuses) != 0 {
		t.Errorf("a cleanup reported statuses: %v", rep.statuses)
	}
}

func TestCleanupOfTheDefaultBranchRemovesNothing(t *testing.T) {
	st, rm := &memStore{state: Queued}, &memRemover{}
	deps := &memDeployments{live: map[string]Deployed{"p": {DeployName: "p", Branch: "main", Preview: true}}}
	d := &memDelivery{req: BuildRequest{BuildID: 1, Event: cleanupEvent("main", 0)}, n: 1, max: 3}
	cleanupRunner(t, st, deps, rm, &memReporter{}).Handle(context.Background(), d)
	if d.settled != "ack" || st.state != Success || len(rm.functions) != 0 {
		t.Errorf("cleanup of main: %q %s, removed %v", d.settled, st.state, rm.functions)
	}
}

func TestCleanupRetriesWhenTheGatewayIsDown(t *testing.T) {
	st, rep := &memStore{state: Queued}, &memReporter{}
	rm := &memRemover{fail: Transient(errors.New("gateway unreachable"))}
	deps := &memDeployments{live: map[string]Deployed{"p": {DeployName: "p", Branch: "x", Preview: true}}}
	d := &memDelivery{req: BuildRequest{BuildID: 1, Event: cleanupEvent("x", 0)}, n: 1, max: 3}
	cleanupRunner(t, st, deps, rm, rep).Handle(context.Background(), d)
	if d.settled != "nak" {
		t.Errorf("settled %q, want nak for a retry", d.settled)
	}
	if _, ok := deps.live["p"]; !ok {
		t.Error("the preview was recorded removed though the gateway never removed it")
	}
}

func TestAFunctionGoneFromTheStackFileIsRemoved(t *testing.T) {
	st, rm := &memStore{state: Queued}, &memRemover{}
	deps := &memDeployments{live: map[string]Deployed{
		"alice-a":     {DeployName: "alice-a", Function: "a", BuildID: 0},
		"alice-old":   {DeployName: "alice-old", Function: "old", BuildID: 0},
		"alice-newer": {DeployName: "alice-newer", Function: "newer", BuildID: 5},
	}}
	r, err := NewRunner(RunnerConfig{Store: st, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: specs("a"),
		Builder:  buildFunc(func(s FunctionSpec) (string, error) { return "sha256:" + s.Name, nil }),
		Deployer: &memDeployer{images: map[string]string{}}, Reporter: &memReporter{}, Logs: nopSink{}, WorkDir: t.TempDir(),
		Deployments: deps, Remover: rm})
	if err != nil {
		t.Fatal(err)
	}
	d := &memDelivery{n: 1, max: 3}
	r.Handle(context.Background(), d)
	if d.settled != "ack" || st.state != Success {
		t.Fatalf("build %s, settled %q", st.state, d.settled)
	}
	if !reflect.DeepEqual(rm.functions, []string{"alice-old"}) {
		t.Errorf("removed %v, want only the function an earlier build deployed and the stack file dropped", rm.functions)
	}
	if why := deps.removed["alice-old"]; !strings.Contains(why, "removed from the stack file") {
		t.Errorf("removal recorded as %q", why)
	}
}

// Closing an untrusted fork's pull request removes nothing, and leaves its
// comment saying it was never deployed; a trusted fork's previews go.
func TestCleanupOfAForksPullRequest(t *testing.T) {
	for _, trusted := range []bool{false, true} {
		deps := &memDeployments{live: map[string]Deployed{}}
		if trusted {
			deps.live["alice-fns-a-pr-4-1"] = Deployed{DeployName: "alice-fns-a-pr-4-1", Function: "a", Branch: ForkBranch(4), Preview: true}
		}
		st, rm, com := &memStore{state: Queued}, &memRemover{}, &memCommenter{}
		r := cleanupRunner(t, st, deps, rm, &memReporter{})
		r.cfg.Commenter = com
		ev := cleanupEvent(ForkBranch(4), 4)
		ev.Fork = true
		d := &memDelivery{req: BuildRequest{BuildID: 3, Event: ev}, n: 1, max: 3}
		r.Handle(context.Background(), d)
		if d.settled != "ack" || st.state != Success {
			t.Fatalf("trusted %v: cleanup %s, settled %q", trusted, st.state, d.settled)
		}
		if want := map[bool]int{false: 0, true: 1}[trusted]; len(rm.functions) != want || len(com.bodies) != want {
			t.Errorf("trusted %v: removed %v and wrote %d comments, want %d of each", trusted, rm.functions, len(com.bodies), want)
		}
	}
}
