package watchdog

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// httpConfig is an http-mode watchdog in front of the test's server
// process, listening on a free port and controlled through dir.
func httpConfig(t *testing.T, dir string) Config {
	port := freePort(t)
	cfg := testConfig(t, OFWatchdogDefaults(), ModeHTTP, fprocess("server", port, dir))
	cfg.UpstreamURL = "http://127.0.0.1:" + port
	return cfg
}

func TestHTTPModeProxies(t *testing.T) {
	dir := t.TempDir()
	h := start(t, httpConfig(t, dir))
	h.waitHealthy()
	req := h.request(http.MethodPost, "/a//b?raw=%zz;x", "payload")
	req.Host = "fn.example"
	req.Header.Set("X-Forwarded-For", "10.0.0.1")
	res, body := h.do(req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	// Path, query, Host and forwarding headers as the caller sent them.
	for _, want := range []string{"method=POST", "path=/a//b", "query=raw=%zz;x", "host=fn.example", "xff=10.0.0.1", "body=payload"} {
		if !strings.Contains(body, want) {
			t.Errorf("upstream saw %q, want %q in it", body, want)
		}
	}
	if d := res.Header.Get("X-Duration-Seconds"); !durationHeader.MatchString(d) {
		t.Errorf("X-Duration-Seconds %q", d)
	}
	// The process's output is the function's log.
	eventually(t, "upstream's stdout logged", func() bool { return strings.Contains(h.stdout.String(), "stdout: upstream: listening") })
}

func TestHTTPModeBuffersTheBody(t *testing.T) {
	for _, buffer := range []bool{false, true} {
		t.Run("http_buffer_req_body="+strconv.FormatBool(buffer), func(t *testing.T) {
			cfg := httpConfig(t, t.TempDir())
			cfg.BufferHTTPBody = buffer
			h := start(t, cfg)
			h.waitHealthy()
			// A body of unknown length, which the client sends chunked.
			req, err := http.NewRequest(http.MethodPost, h.url+"/", struct{ *strings.Reader }{strings.NewReader("chunked body")})
			if err != nil {
				t.Fatal(err)
			}
			_, body := h.do(req)
			want := "cl=-1 te=[chunked]"
			if buffer {
				want = "cl=12 te=[]"
			}
			if !strings.Contains(body, want) || !strings.Contains(body, "body=chunked body") {
				t.Errorf("upstream saw %q, want %q", body, want)
			}
		})
	}
}

func TestHTTPModeWaitsForTheUpstream(t *testing.T) {
	dir := t.TempDir()
	touch(filepath.Join(dir, "listen-later"))
	h := start(t, httpConfig(t, dir))
	// The watchdog serves at once, but reports unhealthy and unready
	// until the process accepts connections.
	eventually(t, "serving", func() bool { return h.status("/_/health") != 0 })
	for _, path := range []string{"/_/health", "/_/ready"} {
		if got := h.status(path); got != http.StatusServiceUnavailable {
			t.Errorf("%s before the upstream listens: %d, want 503", path, got)
		}
	}
	if exists(h.cfg.LockPath) {
		t.Error("lock file written before the upstream listens")
	}
	// A request that comes meanwhile waits for the upstream.
	answered := make(chan string, 1)
	go func() {
		res, err := h.client.Get(h.url + "/early")
		if err != nil {
			answered <- err.Error()
			return
		}
		res.Body.Close()
		answered <- res.Status
	}()
	eventually(t, "the early request in flight", func() bool { return h.w.limit.count() == 1 })
	touch(filepath.Join(dir, "listen"))
	h.waitHealthy()
	if got := <-answered; got != "200 OK" {
		t.Errorf("early request: %s", got)
	}
	if !exists(h.cfg.LockPath) {
		t.Error("no lock file once healthy")
	}
}

func TestHTTPModeTimeout(t *testing.T) {
	dir := t.TempDir()
	cfg := httpConfig(t, dir)
	cfg.ExecTimeout = 2 * time.Second
	h := start(t, cfg)
	h.waitHealthy()
	tests := []struct {
		name     string
		xTimeout string
		min, max time.Duration
	}{
		{"exec_timeout", "", cfg.ExecTimeout, patience},
		// X-Timeout lowers the limit for one request, never raises it.
		{"X-Timeout lower", "300ms", 300 * time.Millisecond, cfg.ExecTimeout},
		{"X-Timeout higher is ignored", "1h", cfg.ExecTimeout, patience},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := h.request(http.MethodGet, fmt.Sprintf("/slow?id=%d", i), "")
			if tt.xTimeout != "" {
				req.Header.Set("X-Timeout", tt.xTimeout)
			}
			res, body := h.do(req)
			if res.StatusCode != http.StatusGatewayTimeout {
				t.Fatalf("status %d %q, want 504", res.StatusCode, body)
			}
			d, _ := strconv.ParseFloat(res.Header.Get("X-Duration-Seconds"), 64)
			if got := time.Duration(d * float64(time.Second)); got < tt.min || got >= tt.max {
				t.Errorf("answered after %s, want within [%s, %s)", got, tt.min, tt.max)
			}
			if res.Header.Get("X-OpenFaaS-Internal") == "" {
				t.Error("the watchdog's own answer is not marked X-OpenFaaS-Internal")
			}
		})
	}
}

func TestHTTPModeUpstreamCrash(t *testing.T) {
	dir := t.TempDir()
	h := start(t, httpConfig(t, dir))
	h.waitHealthy()
	res, body := h.do(h.request(http.MethodGet, "/exit", ""))
	if res.StatusCode != http.StatusBadGateway || !strings.Contains(body, "Bad Gateway") {
		t.Errorf("answered %d %q, want 502 with a message", res.StatusCode, body)
	}
	// As of-watchdog exits, Run fails, so that the runtime restarts the
	// function; its stderr reached the log.
	err := h.wait()
	if !errors.Is(err, errExited) || !strings.Contains(err.Error(), "exit status 7") {
		t.Errorf("Run returned %v, want the process's exit", err)
	}
	if !strings.Contains(h.stderr.String(), "stderr: exiting on request") {
		t.Errorf("the process's stderr is not in the log:\n%s", h.stderr)
	}
	if exists(h.cfg.LockPath) {
		t.Error("lock file left behind")
	}
}

func TestHTTPModeStartFailure(t *testing.T) {
	cfg := httpConfig(t, t.TempDir())
	cfg.FunctionProcess = "/nonexistent/fprocess"
	h := start(t, cfg)
	if err := h.wait(); err == nil || !strings.Contains(err.Error(), "/nonexistent/fprocess") {
		t.Errorf("Run returned %v", err)
	}
}
