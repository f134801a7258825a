package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// memImages resolves the images it holds; others are the user's failure,
// and every image fails with down when it is set.
type memImages struct {
	digests map[string]string
	down    error
	asked   []string
}

func (m *memImages) Resolve(_ context.Context, ref string) (string, error) {
	m.asked = append(m.asked, ref)
	if m.down != nil {
		return "", m.down
	}
	if d, ok := m.digests[ref]; ok {
		return d, nil
	}
	return "", fmt.Errorf("image %s does not exist: 127.0.0.1:5000 has no such repository or tag", ref)
}

// historyStore is a memStore that also keeps every function build it was
// given, as the function_builds table does across builds.
type historyStore struct {
	*memStore
	mu  sync.Mutex
	all []FunctionBuild
}

func (s *historyStore) SaveFunctionBuild(ctx context.Context, fb FunctionBuild) (FunctionBuild, error) {
	s.mu.Lock()
	s.all = append(s.all, fb)
	s.mu.Unlock()
	return s.memStore.SaveFunctionBuild(ctx, fb)
}

// storeDeployments is memDeployments whose prunable images are what the
// store's query finds: the images of every recorded function build with a
// digest that no live deployment runs.
type storeDeployments struct {
	*memDeployments
	st *historyStore
}

func (d storeDeployments) PrunableImages(context.Context, int64, string) ([]PrunableImage, error) {
	d.mu.Lock()
	live := map[string]bool{}
	for _, l := range d.live {
		live[l.Digest] = true
	}
	d.mu.Unlock()
	d.st.mu.Lock()
	defer d.st.mu.Unlock()
	var out []PrunableImage
	for _, fb := range d.st.all {
		img := PrunableImage{Image: fb.Image, Digest: fb.Digest}
		if fb.Digest != "" && !live[fb.Digest] && !slices.Contains(out, img) {
			out = append(out, img)
		}
	}
	return out, nil
}

const cronImage = "127.0.0.1:5000/tools/nodeinfo:1.0"

// prebuiltSpecs plans a function to build, "web", and the image-only
// "cron" deploying image.
func prebuiltSpecs(image string) planFunc {
	return func() ([]FunctionSpec, error) {
		return []FunctionSpec{
			{Name: "cron", DeployName: "alice-cron", Image: image, Prebuilt: true,
				Deployment: Deployment{Annotations: map[string]string{"topic": "cron-function"}}},
			{Name: "web", DeployName: "alice-web", Image: "reg/alice/fns/web:abc"},
		}, nil
	}
}

type prebuiltRig struct {
	st     *historyStore
	deps   storeDeployments
	dep    *memDeployer
	rep    *memReporter
	logs   *lineSink
	images *memImages
	rm     *memRemover
	built  []string
	runner *Runner
}

func newPrebuiltRig(t *testing.T, pl planFunc) *prebuiltRig {
	t.Helper()
	g := &prebuiltRig{st: &historyStore{memStore: &memStore{state: Queued}}, dep: &memDeployer{images: map[string]string{}},
		rep: &memReporter{}, logs: &lineSink{}, rm: &memRemover{},
		images: &memImages{digests: map[string]string{cronImage: "sha256:c0ffee"}}}
	g.deps = storeDeployments{memDeployments: &memDeployments{live: map[string]Deployed{}}, st: g.st}
	var mu sync.Mutex
	build := buildFunc(func(s FunctionSpec) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		g.built = append(g.built, s.Name)
		return "sha256:" + s.Name, nil
	})
	r, err := NewRunner(RunnerConfig{Store: g.st, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: pl,
		Builder: build, Deployer: g.dep, Reporter: g.rep, Logs: g.logs, WorkDir: t.TempDir(),
		Deployments: g.deps, Remover: g.rm, Images: g.images})
	if err != nil {
		t.Fatal(err)
	}
	g.runner = r
	return g
}

// final is the last status reported on context.
func (g *prebuiltRig) final(context string) CommitStatus {
	g.rep.mu.Lock()
	defer g.rep.mu.Unlock()
	var last CommitStatus
	for _, s := range g.rep.statuses {
		if s.Context == context {
			last = s
		}
	}
	return last
}

// An image-only function is not built: its image is resolved to a digest
// and deployed pinned by it, through the same record as the others, and
// its records say which image it was and what it resolved to.
func TestAPrebuiltFunctionIsDeployedFromItsImageNotBuilt(t *testing.T) {
	g := newPrebuiltRig(t, prebuiltSpecs(cronImage))
	d := &memDelivery{n: 1, max: 3}
	g.runner.Handle(context.Background(), d)

	if d.settled != "ack" || g.st.state != Success {
		t.Fatalf("build %s (%s), settled %q; want success, ack", g.st.state, g.st.msg, d.settled)
	}
	if !slices.Equal(g.built, []string{"web"}) {
		t.Errorf("built %v, want web alone", g.built)
	}
	if !slices.Equal(g.images.asked, []string{cronImage}) {
		t.Errorf("resolved %v, want the cron image once", g.images.asked)
	}
	const pinned = "127.0.0.1:5000/tools/nodeinfo@sha256:c0ffee"
	if got := g.dep.images["alice-cron"]; got != pinned {
		t.Errorf("cron deployed with %q, want %q", got, pinned)
	}
	if got := g.dep.images["alice-web"]; got != "reg/alice/fns/web@sha256:web" {
		t.Errorf("web deployed with %q", got)
	}
	fb := g.st.functions["cron"]
	if fb.State != Success || fb.Image != cronImage+"@sha256:c0ffee" || fb.Digest != "sha256:c0ffee" || fb.ImageByDigest() != pinned {
		t.Errorf("cron's record = %+v, want success, the stack file's image with its digest", fb)
	}
	if live := g.deps.live["alice-cron"]; live.Image != fb.Image || live.Digest != fb.Digest || live.BuildID != fb.BuildID {
		t.Errorf("cron's deployment record = %+v, want its image by digest", live)
	}
	if web := g.st.functions["web"]; web.Image != "reg/alice/fns/web:abc" || NotBuilt(web.Image) {
		t.Errorf("web's record = %+v, want its tag", web)
	}
	want := "deployed alice-cron from its image " + cronImage + " (sha256:c0ffee), not built"
	if st := g.final("ofc/cron"); st.State != StatusSuccess || st.Description != want {
		t.Errorf("cron's status = %s %q, want success %q", st.State, st.Description, want)
	}
	long := FunctionBuild{Digest: "sha256:" + strings.Repeat("ab", 32)}
	if got := prebuiltStatus(FunctionSpec{DeployName: "n", Image: "i"}, long); got != "deployed n from its image i (abababababab), not built" {
		t.Errorf("status of a real digest = %q", got)
	}
	if log := g.logs.String(); !strings.Contains(log, want) || strings.Contains(log, "building cron") {
		t.Errorf("log does not say %q, or says cron was built:\n%s", want, log)
	}
}

// An image that does not exist fails its function alone, as the user's
// failure naming the image; the other function deploys.
func TestAPrebuiltFunctionsMissingImageFailsItAlone(t *testing.T) {
	const missing = "127.0.0.1:5000/tools/nope:1.0"
	g := newPrebuiltRig(t, prebuiltSpecs(missing))
	d := &memDelivery{n: 1, max: 3}
	g.runner.Handle(context.Background(), d)

	if d.settled != "ack" || g.st.state != Failure {
		t.Fatalf("build %s, settled %q; want a failure, acked", g.st.state, d.settled)
	}
	fb := g.st.functions["cron"]
	if fb.State != Failure || fb.FailedStep != StepDeploy || !strings.Contains(fb.Error, missing+" does not exist") {
		t.Errorf("cron's record = %+v, want failed at deploy naming %s", fb, missing)
	}
	if fb.Digest != "" || fb.Image != missing {
		t.Errorf("cron's record names image %q digest %q, want the stack file's image and no digest", fb.Image, fb.Digest)
	}
	if st := g.final("ofc/cron"); st.State != StatusFailure || !strings.Contains(st.Description, missing) {
		t.Errorf("cron's status = %s %q, want a failure naming the image", st.State, st.Description)
	}
	if _, ok := g.dep.images["alice-cron"]; ok {
		t.Error("cron was deployed")
	}
	if g.st.functions["web"].State != Success || g.dep.images["alice-web"] == "" {
		t.Errorf("web = %+v, want it deployed", g.st.functions["web"])
	}
}

// A registry that cannot be reached is ours to fix: the build is retried.
func TestAPrebuiltFunctionsUnreachableRegistryIsRetried(t *testing.T) {
	g := newPrebuiltRig(t, prebuiltSpecs(cronImage))
	g.images.down = Transient(errors.New("look up image: dial tcp 127.0.0.1:5000: connection refused"))
	d := &memDelivery{n: 1, max: 3}
	g.runner.Handle(context.Background(), d)
	if d.settled != "nak" || g.st.state != Queued {
		t.Errorf("build %s, settled %q; want it handed back for a retry", g.st.state, d.settled)
	}
	if _, ok := g.dep.images["alice-cron"]; ok {
		t.Error("cron was deployed")
	}
}

// A runner wired without an ImageResolver fails image-only functions
// saying so, rather than building them.
func TestAPrebuiltFunctionWithoutAResolverFails(t *testing.T) {
	g := newPrebuiltRig(t, prebuiltSpecs(cronImage))
	g.runner.cfg.Images = nil
	g.runner.Handle(context.Background(), &memDelivery{n: 1, max: 3})
	if fb := g.st.functions["cron"]; fb.State != Failure || !strings.Contains(fb.Error, "cannot resolve images") || slices.Contains(g.built, "cron") {
		t.Errorf("cron = %+v (built %v), want a failure saying why", fb, g.built)
	}
}

// A preview deploying an image the service did not build, here one in its
// own registry, is removed with its branch, and its image is never
// pruned; the image the service built for the branch is.
func TestCleanupNeverPrunesAPrebuiltImage(t *testing.T) {
	g := newPrebuiltRig(t, prebuiltSpecs(cronImage))
	ev := Event{Kind: Push, Branch: "feature/x", Commit: strings.Repeat("b", 40),
		Repo: Repo{Owner: "alice", Name: "fns", DefaultBranch: "main"}}
	d := &memDelivery{req: BuildRequest{BuildID: 1, Event: ev}, n: 1, max: 3}
	g.runner.Handle(context.Background(), d)
	if g.st.state != Success || !g.deps.live["alice-cron"].Preview {
		t.Fatalf("preview build %s (%s), live %+v", g.st.state, g.st.msg, g.deps.live)
	}

	g.st.state = Queued
	cd := &memDelivery{req: BuildRequest{BuildID: 2, Event: cleanupEvent("feature/x", 0)}, n: 1, max: 3}
	g.runner.Handle(context.Background(), cd)
	if cd.settled != "ack" || g.st.state != Success {
		t.Fatalf("cleanup %s (%s), settled %q", g.st.state, g.st.msg, cd.settled)
	}
	slices.Sort(g.rm.functions)
	if !slices.Equal(g.rm.functions, []string{"alice-cron", "alice-web"}) {
		t.Errorf("removed %v, want both previews", g.rm.functions)
	}
	for _, img := range g.rm.images {
		if strings.Contains(img.Image, "nodeinfo") || img.Digest == "sha256:c0ffee" {
			t.Errorf("pruned %+v, an image the service did not build", img)
		}
	}
	if want := []PrunableImage{{Image: "reg/alice/fns/web:abc", Digest: "sha256:web"}}; !slices.Equal(g.rm.images, want) {
		t.Errorf("pruned %v, want %v", g.rm.images, want)
	}
}

// Records name a prebuilt image by digest, which sets it apart from the
// images the service builds; pruning keeps to the latter.
func TestPrebuiltImageNames(t *testing.T) {
	imgs := []PrunableImage{
		{Image: "127.0.0.1:5000/alice/fns/web:abc", Digest: "sha256:1"},
		{Image: "127.0.0.1:5000/alice/fns/cron:latest@sha256:2", Digest: "sha256:2"},
		{Image: "functions/nodeinfo@sha256:3", Digest: "sha256:3"},
	}
	if got := OwnImages(imgs); !slices.Equal(got, imgs[:1]) {
		t.Errorf("OwnImages = %v, want %v", got, imgs[:1])
	}
	if got := PrebuiltImage("functions/nodeinfo:latest", "sha256:3"); got != "functions/nodeinfo:latest@sha256:3" || !NotBuilt(got) {
		t.Errorf("PrebuiltImage = %q", got)
	}
	if got := PrebuiltImage("ghcr.io/a/b@sha256:4", "sha256:4"); got != "ghcr.io/a/b@sha256:4" {
		t.Errorf("PrebuiltImage of a pinned image = %q", got)
	}
	if got := (FunctionBuild{Image: "127.0.0.1:5000/a/b:1@sha256:5", Digest: "sha256:5"}).ImageByDigest(); got != "127.0.0.1:5000/a/b@sha256:5" {
		t.Errorf("ImageByDigest = %q", got)
	}
	for ref, want := range map[string]string{
		"127.0.0.1:5000/a/b@sha256:5":   "127.0.0.1:5000/a/b",
		"127.0.0.1:5000/a/b:1@sha256:5": "127.0.0.1:5000/a/b",
		"127.0.0.1:5000/a/b:1":          "127.0.0.1:5000/a/b",
		"127.0.0.1:5000/a/b":            "127.0.0.1:5000/a/b",
	} {
		if got := RepositoryOf(ref); got != want {
			t.Errorf("RepositoryOf(%q) = %q, want %q", ref, got, want)
		}
	}
}
