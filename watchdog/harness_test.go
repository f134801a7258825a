package watchdog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// patience bounds every wait of these tests: far beyond what any step
// takes, so that a busy machine slows them without failing them.
const patience = 60 * time.Second

// harness is a watchdog running in the test, serving on a local port,
// with its output captured.
type harness struct {
	t                   *testing.T
	cfg                 Config
	w                   *Watchdog
	url                 string
	dir                 string // where the test and its processes leave files
	stdout, stderr, log *syncBuffer
	client              *http.Client
	cancel              context.CancelFunc
	done                chan error
	waited              sync.Once
	err                 error
}

// testConfig is a watchdog of mode running fprocess, with its lock file
// in a directory of the test's own and a short drain, so that cleaning up
// is quick.
func testConfig(t *testing.T, defaults Config, mode Mode, fproc string) Config {
	c := defaults
	c.Mode = mode
	c.FunctionProcess = fproc
	c.LockPath = filepath.Join(t.TempDir(), ".lock")
	c.HealthcheckInterval = 10 * time.Millisecond
	return c
}

// testEnviron is the environment the function's processes inherit.
func testEnviron() []string {
	env := []string{childMarker, "PARENT_VAR=from-parent", "PATH=" + os.Getenv("PATH"),
		// A process built with -race otherwise waits a second as it exits.
		strings.TrimSpace("GORACE=" + os.Getenv("GORACE") + " atexit_sleep_ms=0")}
	if d := os.Getenv("GOCOVERDIR"); d != "" {
		env = append(env, "GOCOVERDIR="+d)
	}
	return env
}

// start runs a watchdog for cfg until the test ends.
func start(t *testing.T, cfg Config) *harness {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{
		t: t, cfg: cfg, url: "http://" + ln.Addr().String(), dir: t.TempDir(),
		stdout: &syncBuffer{}, stderr: &syncBuffer{}, log: &syncBuffer{},
		client: &http.Client{Timeout: patience, Transport: &http.Transport{}},
		done:   make(chan error, 1),
	}
	h.w, err = New(cfg, Options{
		Stdout: h.stdout, Stderr: h.stderr,
		Logger:   slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Environ:  testEnviron,
		Listener: ln,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.w.Run(ctx) }()
	t.Cleanup(func() {
		_ = h.stop()
		h.client.CloseIdleConnections()
		if t.Failed() {
			t.Logf("watchdog log:\n%s\nfunction stdout:\n%s\nfunction stderr:\n%s", h.log, h.stdout, h.stderr)
		}
	})
	return h
}

// stop ends the watchdog as SIGTERM does and returns what Run returned.
func (h *harness) stop() error {
	h.cancel()
	return h.wait()
}

// wait returns what Run returned, once it has.
func (h *harness) wait() error {
	h.waited.Do(func() {
		select {
		case h.err = <-h.done:
		case <-time.After(patience + h.cfg.WriteTimeout + h.cfg.HealthcheckInterval):
			h.err = errors.New("Run did not return")
			h.t.Error(h.err)
		}
	})
	return h.err
}

// waitHealthy waits until /_/health answers 200.
func (h *harness) waitHealthy() {
	h.t.Helper()
	eventually(h.t, "healthy", func() bool { return h.status("/_/health") == http.StatusOK })
}

// status is the status of GET path, 0 when the request fails.
func (h *harness) status(path string) int {
	res, err := h.client.Get(h.url + path)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode
}

// do sends a request and reads the whole answer.
func (h *harness) do(req *http.Request) (*http.Response, string) {
	h.t.Helper()
	res, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatalf("%s %s: read answer: %v", req.Method, req.URL, err)
	}
	return res, string(body)
}

func (h *harness) request(method, path, body string) *http.Request {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	return req
}

// eventually waits for cond, polling: the condition, not a guessed time.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not %s after %s", what, patience)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// countFiles is how many files of dir start with prefix.
func countFiles(t *testing.T, dir, prefix string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			n++
		}
	}
	return n
}

// freePort is a TCP port nothing listens on, for an http-mode process.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// syncBuffer is a bytes.Buffer that processes' log lines may be written
// to while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
