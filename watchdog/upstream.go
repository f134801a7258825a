package watchdog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"syscall"
	"time"
)

// upstreamPipeDelay is how long the output of an exited http-mode
// process is still read: long enough for what it wrote as it died, short
// enough that a child holding its stdout cannot hide the exit.
const upstreamPipeDelay = time.Second

// stopGrace is how long a stopped http-mode process has between SIGTERM
// and SIGKILL: enough for a server to close its listeners and flush its
// logs, within the 30s a Kubernetes pod gets by default after the drain.
const stopGrace = 5 * time.Second

// upstream is the http-mode function process: started once, serving on
// addr for the watchdog's whole life.
type upstream struct {
	cmd  *exec.Cmd
	addr string // host:port of upstream_url, dialled to see it ready
	done chan struct{}
	// err is Wait's result, set before done closes.
	err error
}

// startUpstream starts argv with its output logged through stdout and
// stderr, which it closes once the process has exited.
func startUpstream(argv, env []string, target *url.URL, stdout, stderr io.WriteCloser) (*upstream, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	ownGroup(cmd)
	cmd.WaitDelay = upstreamPipeDelay
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start fprocess %q: %w", argv, err)
	}
	u := &upstream{cmd: cmd, addr: hostPort(target), done: make(chan struct{})}
	go func() {
		u.err = cmd.Wait()
		_ = stdout.Close()
		_ = stderr.Close()
		close(u.done)
	}()
	return u, nil
}

// hostPort is the address to dial for u, with the scheme's port when it
// names none.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// errExited is the cause of every error about the process having exited.
var errExited = errors.New("fprocess exited")

// exitErr describes how the process ended; call it after done closes.
func (u *upstream) exitErr() error {
	if u.err == nil {
		return fmt.Errorf("%w with status 0: it must keep serving at %s", errExited, u.addr)
	}
	return fmt.Errorf("%w: %w", errExited, u.err)
}

// waitReady blocks until the process accepts connections on its address,
// so that the watchdog reports healthy only once requests can be served.
// It fails when the process exits first or ctx ends.
func (u *upstream) waitReady(ctx context.Context) error {
	delay := time.Millisecond
	for {
		d := net.Dialer{Timeout: time.Second}
		if c, err := d.DialContext(ctx, "tcp", u.addr); err == nil {
			_ = c.Close()
			return nil
		}
		select {
		case <-u.done:
			return u.exitErr()
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		// A server usually starts within milliseconds; some take seconds
		// (a JVM), which a 100ms poll does not noticeably delay.
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// stop asks the process to end with SIGTERM, as of-watchdog does, then
// kills its group after grace, and returns once it has exited. The group
// is killed after the exit too, for children it left behind.
func (u *upstream) stop(grace time.Duration) {
	select {
	case <-u.done:
	default:
		_ = u.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-u.done:
		case <-time.After(grace):
			_ = killGroup(u.cmd.Process)
			<-u.done
		}
	}
	// The group id cannot name another group yet: the watchdog starts no
	// other process in http mode, and the id stays taken while any
	// member lives.
	_ = syscall.Kill(-u.cmd.Process.Pid, syscall.SIGKILL)
}
