package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/ofcbuild/ofc/pipeline"
)

// push writes a random image to ref and returns its digest.
func push(t *testing.T, ref string, opts ...remote.Option) string {
	t.Helper()
	img, err := random.Image(128, 1)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(dst, img, opts...); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// devRegistry is a Registry of the dev stack's registry, and its host.
func devRegistry(t *testing.T) (*Registry, string) {
	t.Helper()
	host := registryAddr(t)
	r, err := New(Config{Host: host, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	return r, host
}

// An image-only function's image resolves to its digest by tag or by
// digest; one that does not exist is the user's failure, naming it.
func TestResolve(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, host := devRegistry(t)
	repo := fmt.Sprintf("%s/ofc-test/prebuilt-%d", host, time.Now().UnixNano())
	want := push(t, repo+":v1")

	for _, ref := range []string{repo + ":v1", repo + "@" + want, repo + ":v1@" + want} {
		if got, err := r.Resolve(ctx, ref); err != nil || got != want {
			t.Errorf("Resolve(%s) = %q, %v; want %s", ref, got, err, want)
		}
	}
	for _, ref := range []string{repo + ":v2", repo + "-never-pushed:v1", repo} {
		_, err := r.Resolve(ctx, ref)
		if err == nil || pipeline.IsTransient(err) || !strings.Contains(err.Error(), "image "+ref+" does not exist") {
			t.Errorf("Resolve(%s) = %v, want the user's failure saying it does not exist", ref, err)
		}
	}
	if _, err := r.Resolve(ctx, "Not An Image"); err == nil || pipeline.IsTransient(err) || !strings.Contains(err.Error(), `"Not An Image"`) {
		t.Errorf("Resolve of a malformed reference = %v, want the user's failure naming it", err)
	}
}

// The service never deletes an image it did not build, even in its own
// registry: PruneImage refuses what the records name by digest.
func TestPruneImageLeavesPrebuiltImagesAlone(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, _ := devRegistry(t)
	ref := r.Ref("ofc-test", "prebuilt", fmt.Sprintf("fn-%d", time.Now().UnixNano()), "latest")
	digest := push(t, ref)

	err := r.PruneImage(ctx, pipeline.PrunableImage{Image: pipeline.PrebuiltImage(ref, digest), Digest: digest})
	if !errors.Is(err, ErrNotBuilt) {
		t.Fatalf("PruneImage of a prebuilt image = %v, want ErrNotBuilt", err)
	}
	if _, ok, err := r.Exists(ctx, ref); err != nil || !ok {
		t.Fatalf("after PruneImage, Exists(%s) = %v, %v; want it kept", ref, ok, err)
	}
	// The same image recorded as one the service built is pruned.
	if err := r.PruneImage(ctx, pipeline.PrunableImage{Image: ref, Digest: digest}); err != nil {
		t.Fatalf("PruneImage: %v", err)
	}
	if _, ok, err := r.Exists(ctx, ref); err != nil || ok {
		t.Fatalf("after PruneImage, Exists(%s) = %v, %v; want it gone", ref, ok, err)
	}
}

// answering is a registry that answers every manifest request with code.
func answering(t *testing.T, code int) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/v2/" {
			return
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// A registry that is down or overloaded is transient, since trying again
// may help; one that refuses access is the user's, naming the image.
func TestResolveSaysWhoseFailureItIs(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := newTestRegistry(t, "127.0.0.1:1")
	for _, tc := range []struct {
		host      string
		transient bool
		says      string
	}{
		{host: "127.0.0.1:1", transient: true},
		{host: answering(t, http.StatusServiceUnavailable), transient: true},
		{host: answering(t, http.StatusUnauthorized), says: "refused access (401) anonymously"},
		{host: answering(t, http.StatusForbidden), says: "refused access (403)"},
		{host: answering(t, http.StatusNotFound), says: "does not exist"},
	} {
		ref := tc.host + "/team/tool:1.0"
		_, err := r.Resolve(ctx, ref)
		if err == nil || pipeline.IsTransient(err) != tc.transient || !strings.Contains(err.Error(), ref) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("Resolve(%s) = %v; want transient %v, naming the image, saying %q", ref, err, tc.transient, tc.says)
		}
	}
}

// authRegistry is an in-memory registry that wants user:pass, and keeps
// the Authorization headers it is sent.
type authRegistry struct {
	host string
	mu   sync.Mutex
	sent []string
}

func newAuthRegistry(t *testing.T, open bool) *authRegistry {
	a := &authRegistry{}
	reg := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		a.mu.Lock()
		a.sent = append(a.sent, req.Header.Get("Authorization"))
		a.mu.Unlock()
		if user, pass, ok := req.BasicAuth(); !open && (!ok || user != "user" || pass != "pass") {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	a.host = strings.TrimPrefix(srv.URL, "http://")
	return a
}

func (a *authRegistry) authorized() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, h := range a.sent {
		if h != "" {
			return true
		}
	}
	return false
}

// The service's registry is asked with its credentials; any other one
// anonymously, so that they never leave for a host a stack file names.
func TestResolveSendsCredentialsToOurRegistryOnly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ours, other := newAuthRegistry(t, false), newAuthRegistry(t, true)
	r, err := New(Config{Host: ours.host, Insecure: true, Username: "user", Password: "pass"})
	if err != nil {
		t.Fatal(err)
	}
	basic := remote.WithAuth(&authn.Basic{Username: "user", Password: "pass"})
	want := push(t, ours.host+"/team/tool:1.0", basic)
	if got, err := r.Resolve(ctx, ours.host+"/team/tool:1.0"); err != nil || got != want {
		t.Errorf("Resolve in our registry = %q, %v; want %s", got, err, want)
	}
	wantOther := push(t, other.host+"/team/tool:1.0")
	other.mu.Lock()
	other.sent = nil
	other.mu.Unlock()
	if got, err := r.Resolve(ctx, other.host+"/team/tool:1.0"); err != nil || got != wantOther {
		t.Errorf("Resolve elsewhere = %q, %v; want %s", got, err, wantOther)
	}
	if other.authorized() {
		t.Error("our registry's credentials were sent to another registry")
	}

	anon, err := New(Config{Host: other.host, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = anon.Resolve(ctx, ours.host+"/team/tool:1.0")
	if err == nil || pipeline.IsTransient(err) || !strings.Contains(err.Error(), "refused access (401) anonymously") {
		t.Errorf("Resolve of a private image elsewhere = %v, want the user's failure saying access was refused", err)
	}
}

// A Docker Hub image is looked up in the mirror first, as BuildKit and the
// runtime pull it; one the mirror lacks is asked of Docker Hub.
func TestResolveUsesTheMirrorForDockerHub(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	mirror := newAuthRegistry(t, true)
	want := push(t, mirror.host+"/functions/nodeinfo:latest")
	r, err := New(Config{Host: "127.0.0.1:1", Insecure: true, Mirror: mirror.host})
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"functions/nodeinfo:latest", "functions/nodeinfo", "docker.io/functions/nodeinfo:latest", "functions/nodeinfo@" + want} {
		if got, err := r.Resolve(ctx, ref); err != nil || got != want {
			t.Errorf("Resolve(%s) = %q, %v; want %s from the mirror", ref, got, err, want)
		}
	}
}
