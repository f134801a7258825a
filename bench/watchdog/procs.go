package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// buildWatchdog builds cmd/fwatchdog into dir as it ships: static, no cgo.
func buildWatchdog(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "fwatchdog")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/ofcbuild/ofc/cmd/fwatchdog")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build fwatchdog: %w", err)
	}
	return bin, nil
}

// watchdogProc is a running fwatchdog.
type watchdogProc struct {
	cmd    *exec.Cmd
	url    string
	log    string
	exited chan struct{}
}

// startWatchdog starts bin with env on a free port, its lock file and log
// in dir under name, and waits until its health check passes. Its log
// goes to a file, as a container's goes to the runtime, not to the
// terminal.
func startWatchdog(ctx context.Context, bin, dir, name string, env ...string) (*watchdogProc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	tmp := filepath.Join(dir, name)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), "port="+port, "TMPDIR="+tmp, "healthcheck_interval=0"), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start fwatchdog (%s): %w", name, err)
	}
	w := &watchdogProc{cmd: cmd, url: "http://127.0.0.1:" + port, log: logPath, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(w.exited) }()
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := http.Get(w.url + "/_/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return w, nil
			}
		}
		select {
		case <-w.exited:
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("fwatchdog (%s) exited:\n%s", name, b)
		case <-ctx.Done():
			w.stop()
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			w.stop()
			return nil, fmt.Errorf("fwatchdog (%s) not healthy after a minute", name)
		}
	}
}

// stop drains the watchdog as the runtime would, with SIGTERM.
func (w *watchdogProc) stop() {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.exited:
	case <-time.After(time.Minute):
		_ = w.cmd.Process.Kill()
		<-w.exited
	}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port), nil
}
