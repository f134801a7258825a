package pipeline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

// memBuilt is an image history and a registry that can tag.
type memBuilt struct {
	mu     sync.Mutex
	built  map[string]BuiltImage // by content hash
	gone   bool                  // the registry lost every manifest
	down   bool                  // the registry does not answer
	tagged map[string]string     // ref -> pinned image
}

func (m *memBuilt) BuiltImage(_ context.Context, _ int64, _, hash string) (BuiltImage, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	img, ok := m.built[hash]
	return img, ok, nil
}

func (m *memBuilt) Retag(_ context.Context, image string, refs []string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.down:
		return false, Transient(errors.New("registry: connection refused"))
	case m.gone:
		return false, nil
	}
	for _, r := range refs {
		m.tagged[r] = image
	}
	return true, nil
}

// A function whose content an earlier commit built is not built again: its
// image is tagged for this commit and deployed; when nothing about its
// deployment changed either, it is not deployed again.
func TestAnUnchangedFunctionReusesItsImage(t *testing.T) {
	old := strings.Repeat("9", 40)
	hashed := func() ([]FunctionSpec, error) {
		sp, _ := specs("a", "b")()
		sp[0].ContentHash, sp[1].ContentHash = "h-a", "h-b"
		return sp, nil
	}
	for _, c := range []struct {
		name                    string
		images                  *memBuilt
		running                 bool // the gateway runs a's old image with these settings
		wantBuilt               []string
		wantReused, wantDeploys int
		wantDesc                string
	}{
		{"reused and running", &memBuilt{built: map[string]BuiltImage{"h-a": {Image: "reg/alice/fns/a:" + old, Digest: "sha256:old", Commit: old}}}, true,
			[]string{"b"}, 1, 1, "unchanged since 9999999, image reused"},
		{"reused, not running yet", &memBuilt{built: map[string]BuiltImage{"h-a": {Image: "reg/alice/fns/a:" + old, Digest: "sha256:old", Commit: old}}}, false,
			[]string{"b"}, 1, 2, "deployed alice-a; unchanged since 9999999, image reused"},
		{"pruned from the registry", &memBuilt{gone: true, built: map[string]BuiltImage{"h-a": {Image: "reg/alice/fns/a:" + old, Digest: "sha256:old", Commit: old}}}, false,
			[]string{"a", "b"}, 0, 2, "deployed alice-a"},
		{"built in another repository", &memBuilt{built: map[string]BuiltImage{"h-a": {Image: "reg/bob/fns/a:" + old, Digest: "sha256:old", Commit: old}}}, false,
			[]string{"a", "b"}, 0, 2, "deployed alice-a"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.images.tagged = map[string]string{}
			var mu sync.Mutex
			var built []string
			build := buildFunc(func(s FunctionSpec) (string, error) {
				mu.Lock()
				defer mu.Unlock()
				built = append(built, s.Name)
				return "sha256:" + s.Name, nil
			})
			st, rep := &memStore{state: Queued}, &memReporter{}
			dep := &memDeployer{images: map[string]string{}, annotations: map[string]map[string]string{}}
			if c.running {
				sp, _ := hashed()
				image := "reg/alice/fns/a@sha256:old"
				dep.images["alice-a"] = image
				dep.annotations["alice-a"] = fingerprinted(sp[0], image).Deployment.Annotations
			}
			r := newRunner(t, st, okFetch, hashed, build, dep, rep)
			r.cfg.Built, r.cfg.Retagger = c.images, c.images
			r.Handle(context.Background(), &memDelivery{n: 1, max: 3})
			if st.state != Success {
				t.Fatalf("build %s: %s", st.state, st.msg)
			}
			slices.Sort(built) // functions build in parallel
			if strings.Join(built, ",") != strings.Join(c.wantBuilt, ",") {
				t.Errorf("built %v, want %v", built, c.wantBuilt)
			}
			if len(c.images.tagged) != c.wantReused {
				t.Errorf("tagged %v, want %d", c.images.tagged, c.wantReused)
			}
			if c.wantReused > 0 {
				if got := c.images.tagged["reg/alice/fns/a:abc"]; got != "reg/alice/fns/a@sha256:old" {
					t.Errorf("a's tag for this commit names %q", got)
				}
				if fb := st.functions["a"]; fb.ReusedFrom != old || fb.Digest != "sha256:old" {
					t.Errorf("a recorded as %+v", fb)
				}
			}
			if dep.deploys != c.wantDeploys {
				t.Errorf("deployed %d times, want %d", dep.deploys, c.wantDeploys)
			}
			if got := rep.last("ofc/a"); got.State != StatusSuccess || got.Description != c.wantDesc {
				t.Errorf("ofc/a = %s %q, want success %q", got.State, got.Description, c.wantDesc)
			}
		})
	}
}

// A registry that does not answer is ours to wait for: the build is tried
// again, not failed.
func TestReuseWithTheRegistryDownIsRetried(t *testing.T) {
	images := &memBuilt{down: true, tagged: map[string]string{},
		built: map[string]BuiltImage{"h-a": {Image: "reg/alice/fns/a:old", Digest: "sha256:old", Commit: "c0"}}}
	hashed := func() ([]FunctionSpec, error) {
		sp, _ := specs("a")()
		sp[0].ContentHash = "h-a"
		return sp, nil
	}
	st := &memStore{state: Queued}
	r := newRunner(t, st, okFetch, hashed, buildFunc(func(FunctionSpec) (string, error) { return "sha256:x", nil }),
		&memDeployer{images: map[string]string{}}, &memReporter{})
	r.cfg.Built, r.cfg.Retagger = images, images
	d := &memDelivery{n: 1, max: 3}
	r.Handle(context.Background(), d)
	if d.settled != "nak" || st.state == Failure {
		t.Errorf("delivery %s, build %s; want it handed back", d.settled, st.state)
	}
}

// last is the last status reported on context.
func (r *memReporter) last(context string) CommitStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	var st CommitStatus
	for _, s := range r.statuses {
		if s.Context == context {
			st = s
		}
	}
	return st
}
