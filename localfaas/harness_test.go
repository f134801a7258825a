package localfaas

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ofcbuild/ofc/internal/testenv"
)

const (
	testUser     = "admin"
	testPassword = "pa55word"
	testImage    = "127.0.0.1:5000/owner/repo-fn@sha256:1111111111111111111111111111111111111111111111111111111111111111"
	otherImage   = "127.0.0.1:5000/owner/repo-fn@sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

// registryAddr is the dev stack's registry (see testenv.Require).
func registryAddr(t *testing.T) string {
	t.Helper()
	return testenv.Get(t, "OFC_REGISTRY")
}

// knownImages resolves the images it was given and no others.
type knownImages struct {
	mu     sync.Mutex
	images map[string]bool
	down   bool // answer as a registry that cannot be reached
}

func newKnownImages(images ...string) *knownImages {
	k := &knownImages{images: map[string]bool{}}
	for _, im := range images {
		k.images[im] = true
	}
	return k
}

func (k *knownImages) setDown(down bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.down = down
}

func (k *knownImages) Resolve(_ context.Context, image string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case k.down:
		return "", fmt.Errorf("resolve image %s: dial tcp 127.0.0.1:5000: connection refused", image)
	case !k.images[image]:
		return "", fmt.Errorf("image %s %w", image, ErrImageNotFound)
	}
	return image, nil
}

// recordingRuntime is NoRuntime that remembers what it was told.
type recordingRuntime struct {
	NoRuntime
	mu      sync.Mutex
	applied []string
	removed []string
}

func (r *recordingRuntime) Apply(_ context.Context, fn Function) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.applied = append(r.applied, fmt.Sprintf("%s@%d", fn.Name(), fn.Replicas))
	return nil
}

func (r *recordingRuntime) Remove(_ context.Context, name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removed = append(r.removed, name)
	return nil
}

type harness struct {
	srv      *httptest.Server
	server   *Server
	state    *State
	resolver *knownImages
	runtime  *recordingRuntime
}

// newHarness serves a Server resolving testImage and otherImage only.
func newHarness(t *testing.T, stateDir string) *harness {
	t.Helper()
	return newHarnessResolving(t, stateDir, nil)
}

// newHarnessResolving serves a Server resolving images with r (nil: the
// harness's knownImages).
func newHarnessResolving(t *testing.T, stateDir string, r ImageResolver) *harness {
	t.Helper()
	st, err := OpenState(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{state: st, resolver: newKnownImages(testImage, otherImage), runtime: &recordingRuntime{}}
	if r == nil {
		r = h.resolver
	}
	h.server, err = New(Config{
		Username: testUser, Password: testPassword, Resolver: r, State: st, Runtime: h.runtime,
		Version: "1.2.3", SHA: "abc",
	})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewServer(h.server)
	t.Cleanup(h.srv.Close)
	return h
}

// do sends one request with the harness's credentials (auth false sends
// none) and returns the status and body.
func (h *harness) do(t *testing.T, method, path, body string, auth bool) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.SetBasicAuth(testUser, testPassword)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
