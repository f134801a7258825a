package watchdog

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestHealthFollowsTheLockFile(t *testing.T) {
	h := start(t, testConfig(t, OFWatchdogDefaults(), ModeSerializing, fprocess("cat")))
	h.waitHealthy()
	if !exists(h.cfg.LockPath) {
		t.Fatal("healthy without a lock file")
	}
	if !LockFilePresent(h.cfg.LockPath) {
		t.Error("LockFilePresent: false")
	}
	if got := h.status("/_/ready"); got != http.StatusOK {
		t.Errorf("/_/ready: %d", got)
	}
	if res, _ := h.do(h.request(http.MethodPost, "/_/health", "")); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /_/health: %d, want 405", res.StatusCode)
	}
	// Removing the file takes the function out of service, as it does for
	// the originals' exec probes.
	if err := os.Remove(h.cfg.LockPath); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/_/health", "/_/ready"} {
		if got := h.status(path); got != http.StatusServiceUnavailable {
			t.Errorf("%s without the lock file: %d, want 503", path, got)
		}
	}
}

func TestStaleLockFileIsRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	touch(filepath.Join(dir, "listen-later"))
	cfg := httpConfig(t, dir)
	touch(cfg.LockPath)
	h := start(t, cfg)
	eventually(t, "serving", func() bool { return h.status("/_/health") != 0 })
	if exists(cfg.LockPath) {
		t.Error("stale lock file still there before the function is ready")
	}
	if got := h.status("/_/health"); got != http.StatusServiceUnavailable {
		t.Errorf("health with a stale lock file before the function is ready: %d", got)
	}
	touch(filepath.Join(dir, "listen"))
	h.waitHealthy()
}

func TestSuppressLock(t *testing.T) {
	cfg := testConfig(t, OFWatchdogDefaults(), ModeSerializing, fprocess("cat"))
	cfg.SuppressLock = true
	h := start(t, cfg)
	h.waitHealthy()
	if exists(cfg.LockPath) {
		t.Error("lock file written with suppress_lock")
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
}

func TestMaxInflight(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, OFWatchdogDefaults(), ModeSerializing, fprocess("block", dir))
	cfg.MaxInflight = 2
	h := start(t, cfg)
	h.waitHealthy()
	var wg sync.WaitGroup
	answers := make(chan string, 2)
	for range 2 {
		wg.Go(func() {
			res, body := h.do(h.request(http.MethodPost, "/", ""))
			answers <- res.Status + " " + body
		})
	}
	eventually(t, "two processes running", func() bool { return countFiles(t, dir, "arrived-") == 2 })

	res, body := h.do(h.request(http.MethodPost, "/", ""))
	if res.StatusCode != http.StatusTooManyRequests || body != "Concurrent request limit exceeded. Max concurrent requests: 2\n" {
		t.Errorf("third request: %d %q, want 429 and the originals' message", res.StatusCode, body)
	}
	if got := h.status("/_/ready"); got != http.StatusTooManyRequests {
		t.Errorf("/_/ready at the limit: %d, want 429", got)
	}
	if got := h.status("/_/health"); got != http.StatusOK {
		t.Errorf("/_/health at the limit: %d, want 200", got)
	}

	touch(filepath.Join(dir, "release"))
	wg.Wait()
	close(answers)
	for a := range answers {
		if a != "200 OK released\n" {
			t.Errorf("request within the limit: %q", a)
		}
	}
	if got := h.status("/_/ready"); got != http.StatusOK {
		t.Errorf("/_/ready below the limit: %d", got)
	}
}

func TestReadyPath(t *testing.T) {
	cfg := testConfig(t, OFWatchdogDefaults(), ModeSerializing, fprocess("env"))
	cfg.ReadyPath = "/custom-ready"
	h := start(t, cfg)
	h.waitHealthy()
	res, body := h.do(h.request(http.MethodGet, "/_/ready", ""))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Http_Path=/custom-ready\n") {
		t.Errorf("/_/ready: %d %q, want the function's answer at ready_path", res.StatusCode, body)
	}
	cfg = testConfig(t, OFWatchdogDefaults(), ModeSerializing, fprocess("fail"))
	cfg.ReadyPath = "/custom-ready"
	h = start(t, cfg)
	h.waitHealthy()
	if got := h.status("/_/ready"); got != http.StatusInternalServerError {
		t.Errorf("/_/ready of a failing function: %d, want its 500", got)
	}
}

func TestStaticMode(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>hi</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, OFWatchdogDefaults(), ModeStatic, "")
	cfg.StaticPath = dir
	h := start(t, cfg)
	h.waitHealthy()
	if res, body := h.do(h.request(http.MethodGet, "/", "")); res.StatusCode != http.StatusOK || body != "<p>hi</p>" {
		t.Errorf("GET /: %d %q", res.StatusCode, body)
	}
}

func TestRequestLog(t *testing.T) {
	cfg := testConfig(t, OFWatchdogDefaults(), ModeSerializing, fprocess("cat"))
	cfg.LogCallID = true
	h := start(t, cfg)
	h.waitHealthy()
	req := h.request(http.MethodPost, "/logged?x=1", "abc")
	req.Header.Set("X-Call-Id", "call-123")
	h.do(req)
	probe := h.request(http.MethodGet, "/probed", "")
	probe.Header.Set("User-Agent", "kube-probe/1.30")
	h.do(probe)
	log := h.log.String()
	for _, want := range []string{"method=POST", `uri="/logged?x=1"`, "status=200", "bytes=3", "call_id=call-123"} {
		if !strings.Contains(log, want) {
			t.Errorf("request log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "/probed") {
		t.Error("Kubernetes' probe was logged")
	}
}
