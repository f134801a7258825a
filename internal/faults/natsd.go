package faults

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// natsStartTimeout bounds a start, the recovery of the JetStream store
// included.
const natsStartTimeout = 60 * time.Second

// NATS is a private NATS server with JetStream on file storage, run from
// the project's own cmd/natsd binary, with its store in a test's
// temporary directory. Stop or Kill and Start restart it on the same port
// with the same store, as a restart of the real service would.
type NATS struct {
	service
	addr string
}

// StartNATS starts bin (a build of ./cmd/natsd) on a free port. It is
// stopped when t ends.
func StartNATS(t testing.TB, bin string) (*NATS, error) {
	t.Helper()
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("natsd binary: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	base := t.TempDir()
	logPath := filepath.Join(base, "natsd.log")
	n := &NATS{addr: addr}
	n.run = func() (*process, error) {
		return startProcess(logPath, os.Environ(), bin, "-addr", addr, "-store-dir", filepath.Join(base, "store"))
	}
	showLogOnFailure(t, "private natsd", logPath)
	t.Cleanup(func() { n.down(true) })
	return n, n.Start()
}

// URL is the server's client URL.
func (n *NATS) URL() string { return "nats://" + n.addr }

// Start starts the server unless it runs, and returns once it greets
// clients.
func (n *NATS) Start() error {
	if err := n.up(); err != nil {
		return err
	}
	return waitFor(n.current(), "natsd", natsStartTimeout, n.greets)
}

// Stop shuts the server down gracefully (SIGTERM): clients are
// disconnected and the store is flushed.
func (n *NATS) Stop() { n.down(true) }

// Kill ends the server with SIGKILL, as a crash would: the store keeps
// what was written to it.
func (n *NATS) Kill() { n.down(false) }

// greets is nil once the server sends its INFO line, which it does only
// when ready for clients.
func (n *NATS) greets(ctx context.Context) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", n.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetReadDeadline(dl)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil {
		return fmt.Errorf("read greeting: %w", err)
	}
	if string(buf) != "INFO" {
		return fmt.Errorf("greeting %q, want INFO", buf)
	}
	return nil
}
