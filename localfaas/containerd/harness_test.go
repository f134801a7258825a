package containerd_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/client"

	"github.com/ofcbuild/ofc/deploy"
	"github.com/ofcbuild/ofc/internal/fnimage"
	"github.com/ofcbuild/ofc/internal/testenv"
	"github.com/ofcbuild/ofc/localfaas"
	"github.com/ofcbuild/ofc/localfaas/containerd"
)

const (
	user     = "admin"
	password = "secret"
)

// env is a gateway on a runtime of its own: its own containerd namespace,
// bridge and subnet, so that it shares nothing with the dev stack's.
type env struct {
	registry string
	cfg      containerd.Config
	state    *localfaas.State
	rt       *containerd.Runtime
	srv      *httptest.Server
	server   *localfaas.Server
	// bridge serves the same gateway on the bridge's address, where the
	// functions reach it, at bridgePort.
	bridge *http.Server
}

// bridgePort is where the gateway listens on the bridge, as OpenFaaS's
// gateway does on faasd and Kubernetes.
const bridgePort = "8080"

// newEnv starts a gateway and, when the test ends, tears its runtime down
// and checks that nothing of it is left.
func newEnv(t *testing.T) *env {
	t.Helper()
	vals := testenv.Require(t, "OFC_CONTAINERD_ADDR", "OFC_REGISTRY")
	suffix := randomHex(t, 3)
	var octet [1]byte
	_, _ = rand.Read(octet[:])
	e := &env{registry: vals["OFC_REGISTRY"]}
	dir := t.TempDir()
	st, err := localfaas.OpenState(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	e.state = st
	e.cfg = containerd.Config{
		Address:      vals["OFC_CONTAINERD_ADDR"],
		Namespace:    "ofc-test-" + suffix,
		DataDir:      filepath.Join(dir, "runtime"),
		Secrets:      st,
		Bridge:       "ofct" + suffix,
		Subnet:       fmt.Sprintf("10.63.%d.0/24", octet[0]),
		PlainHTTP:    []string{e.registry},
		StartTimeout: 5 * time.Second,
		StopGrace:    2 * time.Second,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	t.Cleanup(func() { e.teardown(t) })
	e.start(t)
	return e
}

// start (re)starts the runtime and the server over the same state, as a
// restarted localfaas does.
func (e *env) start(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	rt, err := containerd.New(ctx, e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.rt = rt
	resolver, err := localfaas.NewRegistryResolver(localfaas.RegistryConfig{Registry: e.registry})
	if err != nil {
		t.Fatal(err)
	}
	e.server, err = localfaas.New(localfaas.Config{
		Username: user, Password: password, Resolver: resolver, State: e.state, Runtime: rt,
		Logger: e.cfg.Logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.server.Restore(ctx); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.server)
	ln, err := net.Listen("tcp", net.JoinHostPort(rt.GatewayIP().String(), bridgePort))
	if err != nil {
		t.Fatal(err)
	}
	e.bridge = &http.Server{Handler: e.server, ReadHeaderTimeout: 10 * time.Second}
	go e.bridge.Serve(ln)
}

// bridgeURL is the gateway's address on the bridge, as seen from this
// host and from the functions.
func (e *env) bridgeURL() string {
	return "http://" + net.JoinHostPort(e.rt.GatewayIP().String(), bridgePort)
}

// stop stops the server and closes the runtime, leaving its containers.
func (e *env) stop() {
	if e.srv != nil {
		e.srv.Close()
		e.srv = nil
	}
	if e.bridge != nil {
		e.bridge.Close()
		e.bridge = nil
	}
	if e.rt != nil {
		e.rt.Close()
	}
}

func (e *env) teardown(t *testing.T) {
	t.Helper()
	e.stop()
	ctx := context.Background()
	rt, err := containerd.New(ctx, e.cfg)
	if err != nil {
		t.Errorf("teardown: %v", err)
		return
	}
	defer rt.Close()
	if err := rt.Teardown(ctx); err != nil {
		t.Errorf("teardown: %v", err)
	}
	assertNothingLeft(t, e.cfg)
}

// assertNothingLeft checks that no container, namespace, process, mount,
// bridge or file of the runtime remains.
func assertNothingLeft(t *testing.T, cfg containerd.Config) {
	t.Helper()
	c, err := client.New(cfg.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	nss, err := c.NamespaceService().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range nss {
		if ns == cfg.Namespace {
			t.Errorf("containerd namespace %s is left", ns)
		}
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if args := strings.Split(string(b), "\x00"); hasArgs(args, "-namespace", cfg.Namespace) {
			t.Errorf("process left: %s", strings.Join(args, " "))
		}
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mounts), "\n") {
		if strings.Contains(line, "/"+cfg.Namespace+"/") || strings.Contains(line, cfg.DataDir) {
			t.Errorf("mount left: %s", line)
		}
	}
	if _, err := net.InterfaceByName(cfg.Bridge); err == nil {
		t.Errorf("bridge %s is left", cfg.Bridge)
	}
	entries, _ := os.ReadDir(cfg.DataDir)
	for _, e := range entries {
		t.Errorf("file left in the runtime's directory: %s", e.Name())
	}
}

// containerIDs lists the containers in cfg's namespace.
func containerIDs(cfg containerd.Config) ([]string, error) {
	c, err := client.New(cfg.Address, client.WithDefaultNamespace(cfg.Namespace))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ctrs, err := c.Containers(context.Background())
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, ctr := range ctrs {
		ids = append(ids, ctr.ID())
	}
	return ids, nil
}

// cgroup reads a cgroup v1 file of the one container of function name,
// from this host, as the kernel enforces it.
func (e *env) cgroup(t *testing.T, name, controller, file string) string {
	t.Helper()
	c, err := client.New(e.cfg.Address, client.WithDefaultNamespace(e.cfg.Namespace))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	ctrs, err := c.Containers(ctx, fmt.Sprintf("labels.%q==%s", "ofc.localfaas/function", name))
	if err != nil || len(ctrs) != 1 {
		t.Fatalf("containers of %s: %d, %v", name, len(ctrs), err)
	}
	task, err := ctrs[0].Task(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", task.Pid()))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		// hierarchy-id:controller[,controller]:path
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || !slices.Contains(strings.Split(parts[1], ","), controller) {
			continue
		}
		v, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", controller, parts[2], file))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(v))
	}
	t.Fatalf("no %s cgroup in %s", controller, b)
	return ""
}

func hasArgs(args []string, flag, value string) bool {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == flag && args[i+1] == value {
			return true
		}
	}
	return false
}

// push pushes a function image and returns it pinned by digest.
func (e *env) push(t *testing.T, repo string, img fnimage.Image) string {
	t.Helper()
	ref, err := fnimage.Push(context.Background(), e.registry, "ofc-test/"+repo, randomHex(t, 4), img)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// client is the production gateway client, as the builder uses it.
func (e *env) client(t *testing.T) *deploy.Client {
	t.Helper()
	c, err := deploy.New(deploy.Config{
		GatewayURL: e.srv.URL, Username: user, Password: password,
		ReadyTimeout: 10 * time.Second, PollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// do sends one authenticated request to the gateway.
func (e *env) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, password)
	return send(t, req)
}

// invoke calls a function as its users do: no credentials.
func (e *env) invoke(t *testing.T, method, path string, body []byte, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+"/function/"+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
