package watchdog

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHTTPModeStreamsEvents checks that an event stream reaches the
// client as the function writes it, and outlives exec_timeout as in
// of-watchdog.
func TestHTTPModeStreamsEvents(t *testing.T) {
	dir := t.TempDir()
	cfg := httpConfig(t, dir)
	cfg.ExecTimeout = 200 * time.Millisecond
	h := start(t, cfg)
	h.waitHealthy()
	req := h.request(http.MethodGet, "/events", "")
	req.Header.Set("Accept", "text/event-stream")
	res, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	if line, err := r.ReadString('\n'); err != nil || line != "data: one\n" {
		t.Fatalf("first event: %q, %v", line, err)
	}
	// Past exec_timeout, which does not apply to a stream.
	time.Sleep(2 * cfg.ExecTimeout)
	touch(filepath.Join(dir, "release-events"))
	rest, err := io.ReadAll(r)
	if err != nil || string(rest) != "\ndata: two\n\n" {
		t.Errorf("rest of the stream: %q, %v", rest, err)
	}
}

// TestHTTPModeUpgrade switches protocols through the watchdog, as a
// WebSocket does, and talks past exec_timeout.
func TestHTTPModeUpgrade(t *testing.T) {
	cfg := httpConfig(t, t.TempDir())
	cfg.ExecTimeout = 200 * time.Millisecond
	h := start(t, cfg)
	h.waitHealthy()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(h.url, "http://"), patience)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(patience))
	fmt.Fprint(conn, "GET /upgrade HTTP/1.1\r\nHost: fn\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
	r := bufio.NewReader(conn)
	res, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status %d, want 101", res.StatusCode)
	}
	for i, msg := range []string{"ping", "pong"} {
		if i > 0 {
			// Past exec_timeout, which does not apply to an upgraded
			// connection.
			time.Sleep(2 * cfg.ExecTimeout)
		}
		fmt.Fprintf(conn, "%s\n", msg)
		if line, err := r.ReadString('\n'); err != nil || line != "echo: "+msg+"\n" {
			t.Fatalf("echo of %q: %q, %v", msg, line, err)
		}
	}
}
