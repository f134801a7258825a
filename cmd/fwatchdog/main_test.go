package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// patience bounds every wait, far beyond what a step takes.
const patience = 60 * time.Second

// With testChild set the test binary is the command itself, or, with
// "upstream" as its first argument, the function it runs in http mode.
const testChild = "FWATCHDOG_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(testChild) == "1" {
		if len(os.Args) > 1 && os.Args[1] == "upstream" {
			os.Exit(upstream(os.Args[2], os.Args[3]))
		}
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// upstream serves on 127.0.0.1:port: /slow answers once dir/release
// exists, /exit exits 3, anything else answers "ok".
func upstream(port, dir string) int {
	srv := &http.Server{Addr: "127.0.0.1:" + port, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			_ = os.WriteFile(filepath.Join(dir, "arrived"), nil, 0o644)
			for !exists(filepath.Join(dir, "release")) {
				time.Sleep(5 * time.Millisecond)
			}
			fmt.Fprint(w, "slow done")
		case "/exit":
			os.Exit(3)
		default:
			fmt.Fprint(w, "ok")
		}
	})}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	go func() { <-sig; _ = srv.Shutdown(context.Background()) }()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// command is fwatchdog started with env, and where it listens.
type command struct {
	cmd    *exec.Cmd
	url    string
	tmp    string // its TMPDIR, where the lock file goes
	output *bytes.Buffer
	exited chan struct{}
}

func startCommand(t *testing.T, env ...string) *command {
	t.Helper()
	port := freePort(t)
	c := &command{url: "http://127.0.0.1:" + port, tmp: t.TempDir(), output: &bytes.Buffer{}, exited: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0])
	c.cmd.Env = append([]string{testChild + "=1", "PATH=" + os.Getenv("PATH"), "TMPDIR=" + c.tmp, "port=" + port,
		"GORACE=atexit_sleep_ms=0"}, env...)
	c.cmd.Stdout, c.cmd.Stderr = c.output, c.output
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.exited
		if t.Failed() {
			t.Logf("output:\n%s", c.output)
		}
	})
	return c
}

// exitCode waits for the command to exit.
func (c *command) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-c.exited:
		return c.cmd.ProcessState.ExitCode()
	case <-time.After(patience):
		t.Fatal("fwatchdog did not exit")
		return -1
	}
}

func (c *command) status(path string) int {
	res, err := http.Get(c.url + path)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode
}

func TestSIGTERMDrainsAndExitsZero(t *testing.T) {
	dir := t.TempDir()
	upPort := freePort(t)
	c := startCommand(t, "mode=http", "healthcheck_interval=200ms",
		"fprocess="+os.Args[0]+" upstream "+upPort+" "+dir, "upstream_url=http://127.0.0.1:"+upPort)
	eventually(t, "healthy", func() bool { return c.status("/_/health") == http.StatusOK })
	if !exists(filepath.Join(c.tmp, ".lock")) {
		t.Fatal("no lock file in TMPDIR")
	}
	answer := make(chan string, 1)
	go func() {
		res, err := http.Get(c.url + "/slow")
		if err != nil {
			answer <- err.Error()
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		answer <- res.Status + " " + string(b)
	}()
	eventually(t, "request at the function", func() bool { return exists(filepath.Join(dir, "arrived")) })

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	eventually(t, "lock file removed", func() bool { return !exists(filepath.Join(c.tmp, ".lock")) })
	eventually(t, "listener closed", func() bool { return c.status("/_/health") == 0 })
	_ = os.WriteFile(filepath.Join(dir, "release"), nil, 0o644)
	if got := <-answer; got != "200 OK slow done" {
		t.Errorf("request in flight at SIGTERM: %q", got)
	}
	if code := c.exitCode(t); code != 0 {
		t.Errorf("exit code %d after a drain, want 0", code)
	}
}

func TestFunctionExitStopsTheWatchdog(t *testing.T) {
	upPort := freePort(t)
	c := startCommand(t, "mode=http", "fprocess="+os.Args[0]+" upstream "+upPort+" "+t.TempDir(),
		"upstream_url=http://127.0.0.1:"+upPort)
	eventually(t, "healthy", func() bool { return c.status("/_/health") == http.StatusOK })
	if got := c.status("/exit"); got != http.StatusBadGateway {
		t.Errorf("request the function died in: %d, want 502", got)
	}
	if code := c.exitCode(t); code == 0 {
		t.Error("exit code 0 after the function process died")
	}
	if !strings.Contains(c.output.String(), "exit status 3") {
		t.Errorf("the function's exit is not logged:\n%s", c.output)
	}
}

func TestDefaultModeIsStreaming(t *testing.T) {
	c := startCommand(t, "fprocess=cat")
	eventually(t, "healthy", func() bool { return c.status("/_/health") == http.StatusOK })
	res, err := http.Post(c.url+"/", "text/plain", strings.NewReader("echo"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	// Streaming: chunked, without the serializing mode's Content-Length.
	if string(b) != "echo" || res.ContentLength != -1 {
		t.Errorf("answer %q with length %d, want a streamed echo", b, res.ContentLength)
	}
}

func TestConfigurationError(t *testing.T) {
	c := startCommand(t, "mode=http", "fprocess=node index.js")
	if code := c.exitCode(t); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if !strings.Contains(c.output.String(), "upstream_url") {
		t.Errorf("the error does not name the variable:\n%s", c.output)
	}
}

func TestRunHealthcheck(t *testing.T) {
	tmp := t.TempDir()
	check := func() int {
		cmd := exec.Command(os.Args[0], "-run-healthcheck")
		cmd.Env = []string{testChild + "=1", "TMPDIR=" + tmp}
		err := cmd.Run()
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	if code := check(); code != 1 {
		t.Errorf("without a lock file: exit %d, want 1", code)
	}
	if err := os.WriteFile(filepath.Join(tmp, ".lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code := check(); code != 0 {
		t.Errorf("with a lock file: exit %d, want 0", code)
	}
}

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

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}
