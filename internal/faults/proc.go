// Package faults gives end-to-end tests services of their own that they
// may stop and start again in the middle of a run, and a TCP proxy they
// may take down: a private Postgres cluster, a private NATS JetStream
// server (the project's cmd/natsd), a private buildkitd. The dev stack's
// shared services stay untouched, since other tests use them at the same
// time.
//
// Every helper takes a testing.TB: what it starts is stopped, and its
// files removed, when the test ends; its log is shown if the test failed.
package faults

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long a process has to exit on SIGTERM before it is
// killed: the services here flush their state within a second or two.
const stopGrace = 20 * time.Second

// freeAddr returns a 127.0.0.1 address no one listens on. The port is
// kept for the life of the helper, so that a restart finds it again.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// process is one run of a service: its own process group, so that what it
// forks goes with it, and its output appended to a log file that outlives
// restarts.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func startProcess(logPath string, env []string, name string, args ...string) (*process, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log of %s: %w", name, err)
	}
	fmt.Fprintf(logf, "---- %s: %s %s\n", time.Now().Format(time.RFC3339Nano), name, strings.Join(args, " "))
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// signal sends sig to the process's whole group.
func (p *process) signal(sig syscall.Signal) {
	_ = syscall.Kill(-p.cmd.Process.Pid, sig)
}

// kill ends the group at once, as a crash or an OOM kill would.
func (p *process) kill() {
	p.signal(syscall.SIGKILL)
	<-p.done
}

// stop asks the process to exit, and kills its group after stopGrace.
func (p *process) stop() {
	p.signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopGrace):
	}
	// What the service forked and left behind goes too.
	p.kill()
}

// waitFor polls ready until it succeeds, p exits or timeout passes.
func waitFor(p *process, what string, timeout time.Duration, ready func(context.Context) error) error {
	deadline := time.Now().Add(timeout)
	var err error
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = ready(ctx)
		cancel()
		if err == nil {
			return nil
		}
		if p != nil && p.exited() {
			return fmt.Errorf("%s exited before it was ready (%v): %w", what, p.err, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready within %s: %w", what, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// logTail is the end of the log at path, for a failed test's output.
func logTail(path string, lines int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// showLogOnFailure registers a cleanup that prints the end of the log at
// path when t failed.
func showLogOnFailure(t testing.TB, name, path string) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- %s log (%s) ---\n%s", name, filepath.Base(path), logTail(path, 60))
		}
	})
}

// service is the part every private service shares: one process at a
// time, started by run, and the bookkeeping of stop and start.
type service struct {
	mu   sync.Mutex
	proc *process
	// run starts the service's process once.
	run func() (*process, error)
}

// up starts the process unless it runs.
func (s *service) up() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil && !s.proc.exited() {
		return nil
	}
	p, err := s.run()
	if err != nil {
		return err
	}
	s.proc = p
	return nil
}

// down ends the process, gracefully or not; it is a no-op when none runs.
func (s *service) down(graceful bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	if graceful {
		s.proc.stop()
	} else {
		s.proc.kill()
	}
	s.proc = nil
}

// current is the running process, nil when down.
func (s *service) current() *process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc
}
