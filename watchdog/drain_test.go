package watchdog

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// listening reports whether the watchdog still accepts connections.
func (h *harness) listening() bool {
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(h.url, "http://"), time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// TestDrainUnderLoad sends SIGTERM (cancels Run's context) to an
// http-mode watchdog with requests in flight and more arriving, and
// checks the order of the drain: health fails first, requests are still
// served for healthcheck_interval, the requests in flight all complete,
// and only then is the function process stopped.
func TestDrainUnderLoad(t *testing.T) {
	dir := t.TempDir()
	cfg := httpConfig(t, dir)
	cfg.HealthcheckInterval = 3 * time.Second
	h := start(t, cfg)
	h.waitHealthy()

	// Load: clients calling all along, none of which may see an error
	// status; once the server stops accepting, their connections fail,
	// which is how a drained replica looks to a client.
	stopLoad := make(chan struct{})
	var served, bad atomic.Int64
	var load sync.WaitGroup
	for range 2 {
		load.Go(func() {
			for {
				select {
				case <-stopLoad:
					return
				default:
				}
				res, err := h.client.Get(h.url + "/load")
				if err != nil {
					if !h.listening() {
						return
					}
					continue
				}
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					served.Add(1)
				} else {
					bad.Add(1)
				}
			}
		})
	}
	defer func() { close(stopLoad); load.Wait() }()

	// Requests in flight when SIGTERM comes, held by the function.
	const slow = 4
	results := make(chan string, slow)
	for i := range slow {
		go func() {
			res, err := h.client.Get(fmt.Sprintf("%s/slow?id=%d", h.url, i))
			if err != nil {
				results <- err.Error()
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			results <- res.Status + " " + string(b)
		}()
	}
	eventually(t, "slow requests at the function", func() bool { return countFiles(t, dir, "arrived-") == slow })
	eventually(t, "load served", func() bool { return served.Load() > 0 })

	sigterm := time.Now()
	h.cancel()
	eventually(t, "lock file removed", func() bool { return !exists(cfg.LockPath) })
	if got := h.status("/_/health"); got != http.StatusServiceUnavailable && time.Since(sigterm) < cfg.HealthcheckInterval {
		t.Errorf("/_/health while draining: %d, want 503", got)
	}
	// New requests are still served while the orchestrator catches up.
	res, err := h.client.Get(h.url + "/during-drain")
	switch {
	case err == nil:
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("request during healthcheck_interval: %d", res.StatusCode)
		}
	case time.Since(sigterm) < cfg.HealthcheckInterval:
		t.Errorf("request during healthcheck_interval: %v", err)
	}

	// The server stops accepting once the interval is over; the requests
	// in flight are then let finish.
	eventually(t, "listener closed", func() bool { return !h.listening() })
	if elapsed := time.Since(sigterm); elapsed < cfg.HealthcheckInterval {
		t.Errorf("stopped accepting %s after SIGTERM, before healthcheck_interval %s", elapsed, cfg.HealthcheckInterval)
	}
	touch(filepath.Join(dir, "release"))
	for range slow {
		if got := <-results; !strings.HasPrefix(got, "200 OK slow ") || !strings.HasSuffix(got, " done") {
			t.Errorf("request in flight at SIGTERM: %q", got)
		}
	}
	if err := h.wait(); err != nil {
		t.Fatalf("Run after a drain: %v", err)
	}
	if n := bad.Load(); n > 0 {
		t.Errorf("%d requests of the load answered with an error status", n)
	}
	// The function was stopped only after it had served them all.
	out := h.stdout.String()
	term := strings.Index(out, "stdout: upstream: SIGTERM")
	if term < 0 {
		t.Fatalf("the function process was not sent SIGTERM:\n%s", out)
	}
	for i := range slow {
		if j := strings.Index(out, "stdout: served slow "+strconv.Itoa(i)); j < 0 || j > term {
			t.Errorf("slow request %d not served before SIGTERM reached the function:\n%s", i, out)
		}
	}
}

func TestDrainForkMode(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, OFWatchdogDefaults(), ModeSerializing, fprocess("block", dir))
	h := start(t, cfg)
	h.waitHealthy()
	result := make(chan string, 1)
	go func() {
		res, body := h.do(h.request(http.MethodPost, "/", ""))
		result <- res.Status + " " + body
	}()
	eventually(t, "process running", func() bool { return countFiles(t, dir, "arrived-") == 1 })
	h.cancel()
	eventually(t, "lock file removed", func() bool { return !exists(cfg.LockPath) })
	eventually(t, "listener closed", func() bool { return !h.listening() })
	touch(filepath.Join(dir, "release"))
	if got := <-result; got != "200 OK released\n" {
		t.Errorf("request in flight at SIGTERM: %q", got)
	}
	if err := h.wait(); err != nil {
		t.Fatalf("Run after a drain: %v", err)
	}
}

// TestDrainKillsWhatOutlivesWriteTimeout checks that no forked process
// outlives the watchdog, even one that would never end.
func TestDrainKillsWhatOutlivesWriteTimeout(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, ClassicDefaults(), ModeClassic, fprocess("hang", dir))
	cfg.WriteTimeout = time.Second
	h := start(t, cfg)
	h.waitHealthy()
	go func() {
		if res, err := h.client.Post(h.url+"/", "text/plain", nil); err == nil {
			res.Body.Close()
		}
	}()
	eventually(t, "process running", func() bool { return exists(filepath.Join(dir, "child.pid")) })
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, name := range []string{"child.pid", "grandchild.pid"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		pid, _ := strconv.Atoi(string(b))
		eventually(t, name+" gone", func() bool { return gone(pid) })
	}
}
