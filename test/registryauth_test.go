package test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/internal/testenv"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/registry"
)

// startPrivateRegistry runs a registry of the test's own that answers
// only user with password, as a private registry does, and returns its
// host.
func startPrivateRegistry(t *testing.T, user, password string) string {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		testenv.Missing(t, "docker-registry is not installed: make up installs it")
	}
	dir := t.TempDir()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "htpasswd"), []byte(user+":"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	config := fmt.Sprintf(`version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: %s/data}
  delete: {enabled: true}
http: {addr: %s}
auth:
  htpasswd: {realm: ofc-e2e, path: %s/htpasswd}
`, dir, addr, dir)
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", filepath.Join(dir, "config.yml"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("--- private registry log ---\n%s", tail(out.String(), 30))
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized {
				return addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the private registry at %s did not ask for credentials within 30s (%v)", addr, err)
		}
	}
}

// TestAPrivateRegistry: with OFC_REGISTRY_USER and OFC_REGISTRY_PASSWORD
// the builder pushes to a registry that refuses anonymous access, and
// the password, printed by a RUN step, is masked in the log.
func TestAPrivateRegistry(t *testing.T) {
	user, password := "ofc", "registry-pw-"+randomID()
	host := startPrivateRegistry(t, user, password)
	// A tag is built and pushed, not deployed: the gateway here pulls
	// only from the dev stack's open registry.
	sys := newSystemWith(t, 1, "OFC_REGISTRY="+host, "OFC_REGISTRY_USER="+user, "OFC_REGISTRY_PASSWORD="+password, "OFC_BUILD_TAGS=true")
	owner := "e2e-" + randomID()
	repo := gittest.NewServer(t).NewRepo(owner, "fns", "main")
	sha := repo.Commit("main", "Release", map[string]string{
		"stack.yml":      "version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  web:\n    lang: dockerfile\n    handler: ./web\n",
		"web/Dockerfile": "FROM busybox:latest\nRUN echo " + randomID() + " && echo \"the registry password is " + password + "\"\n",
	})
	r := sys.push(fixture.Push{Owner: owner, Repo: "fns", CloneURL: repo.CloneURL, DefaultBranch: "main", Tag: "v1", After: sha}, "delivery-"+randomID())
	if r.Code != 202 || r.BuildID == 0 {
		t.Fatalf("tag push answered %d %+v", r.Code, r)
	}
	b := sys.waitFinal(r.BuildID, buildWithin)
	if b.State != pipeline.Success || len(b.Functions) != 1 {
		t.Fatalf("build %s at %q: %s", b.State, b.FailedStep, b.Error)
	}

	ctx := context.Background()
	private, err := registry.New(registry.Config{Host: host, Insecure: true, Username: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{private.Ref(owner, "fns", "web", sha), private.Ref(owner, "fns", "web", "v1")} {
		if digest, ok, err := private.Exists(ctx, ref); err != nil || !ok || digest != b.Functions[0].Digest {
			t.Errorf("%s: %s, %v, %v; want the build's %s", ref, digest, ok, err, b.Functions[0].Digest)
		}
	}
	// Without credentials the registry says nothing of the image.
	anonymous, err := registry.New(registry.Config{Host: host, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := anonymous.Exists(ctx, private.Ref(owner, "fns", "web", sha)); err == nil || ok {
		t.Errorf("anonymous access to the private registry: found %v, error %v; want it refused", ok, err)
	}

	log := sys.logText(b.ID)
	if !strings.Contains(log, "the registry password is ***") || strings.Contains(log, password) {
		t.Errorf("the log does not mask the registry password:\n%s", tail(log, 30))
	}
}
