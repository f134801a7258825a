package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// busybox is the host's static busybox: the same binary the function
// image's base holds.
const busybox = "/bin/busybox"

// baseline starts the function's server as a bare process: busybox httpd
// serving the files the image's layer holds, without container, bridge or
// gateway.
type baseline struct {
	dir   string
	poll  time.Duration
	probe *http.Client
}

// newBaseline writes the function's /www (its answer and the health
// files) into a temporary directory.
func newBaseline(answer string, poll time.Duration) (*baseline, error) {
	if _, err := os.Stat(busybox); err != nil {
		return nil, fmt.Errorf("baseline needs a static busybox (apt-get install busybox-static): %w", err)
	}
	dir, err := os.MkdirTemp("", "bench-localfaas-www-")
	if err != nil {
		return nil, fmt.Errorf("baseline www: %w", err)
	}
	files := map[string]string{"index.html": answer, "_/health": "OK", "_/ready": "OK"}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("baseline www: %w", err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("baseline www: %w", err)
		}
	}
	return &baseline{
		dir:  dir,
		poll: poll,
		// As the runtime's own health probe: a new connection each time.
		probe: &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}},
	}, nil
}

func (b *baseline) close() { os.RemoveAll(b.dir) }

// start runs the server, times it from exec until GET /_/health answers
// 200, and stops it.
func (b *baseline) start(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	port, err := freePort(ctx)
	if err != nil {
		return 0, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(busybox, "httpd", "-f", "-v", "-p", addr, "-h", b.dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	exited := make(chan struct{})
	var waitErr error

	began := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start bare busybox httpd: %w", err)
	}
	go func() {
		if waitErr = cmd.Wait(); waitErr != nil && stderr.Len() > 0 {
			waitErr = fmt.Errorf("%w: %s", waitErr, bytes.TrimSpace(stderr.Bytes()))
		}
		close(exited)
	}()
	took, err := b.awaitHealth(ctx, "http://"+addr+"/_/health", began, exited, &waitErr)
	// Killing a process that already exited fails harmlessly.
	_ = cmd.Process.Kill()
	<-exited
	if err != nil {
		return 0, fmt.Errorf("bare busybox httpd on %s: %w", addr, err)
	}
	return took, nil
}

// awaitHealth polls url until it answers 200; *waitErr is the process's
// end once exited is closed.
func (b *baseline) awaitHealth(ctx context.Context, url string, began time.Time, exited <-chan struct{}, waitErr *error) (time.Duration, error) {
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		if res, err := b.probe.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(began), nil
			}
		}
		select {
		case <-exited:
			if *waitErr == nil {
				return 0, errors.New("exited with status 0 before answering")
			}
			return 0, fmt.Errorf("exited before answering: %w", *waitErr)
		case <-ctx.Done():
			return 0, fmt.Errorf("no 200 from %s: %w", url, ctx.Err())
		case <-time.After(b.poll):
		}
	}
}

// freePort asks the kernel for a port no one listens on.
func freePort(ctx context.Context) (int, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
