package template

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const goHandler = `package function

import (
	"fmt"
	"io"
	"net/http"
)

// Handle greets whoever calls.
func Handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "hello %s %s %s", r.Method, r.URL.Path, body)
}
`

// TestShippedGoTemplateBuildsOffline builds the prepared go template with
// the same settings as its Dockerfile (no module proxy) using the Go
// toolchain running the tests, then runs the result as the gateway would.
func TestShippedGoTemplateBuildsOffline(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the template: %v", err)
	}
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"greet/handler.go": goHandler,
		"greet/go.mod":     "module handler\n\ngo 1.24\n",
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "greet")
	if _, err := Prepare(ctx, repo, "go", "greet", out); err != nil {
		t.Fatalf("Prepare: %v", err)
	}

	bin := filepath.Join(t.TempDir(), "handler")
	build := exec.CommandContext(ctx, goBin, "build", "-o", bin, ".")
	build.Dir = out
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "GOWORK=off", "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}

	port := freePort(t)
	var logs bytes.Buffer
	run := exec.Command(bin)
	run.Env = append(os.Environ(), "PORT="+port, "write_timeout=2s")
	run.Stdout, run.Stderr = &logs, &logs
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()
	t.Cleanup(func() {
		if run.ProcessState == nil {
			_ = run.Process.Kill()
			<-exited
		}
	})

	base := "http://127.0.0.1:" + port
	waitHealthy(t, base+"/_/health")
	for _, tc := range []struct{ method, path, body, want string }{
		{"GET", "/_/health", "", "OK"},
		{"GET", "/_/ready", "", "OK"},
		{"GET", "/", "", "hello GET / "},
		{"POST", "/orders/1", "ping", "hello POST /orders/1 ping"},
		{"POST", "/_/health", "x", "hello POST /_/health x"},
	} {
		code, body := call(t, tc.method, base+tc.path, tc.body)
		if code != http.StatusOK || body != tc.want {
			t.Errorf("%s %s = %d %q, want 200 %q", tc.method, tc.path, code, body, tc.want)
		}
	}

	if err := run.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10s after SIGTERM\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "stopped") {
		t.Errorf("no graceful stop in the log:\n%s", logs.String())
	}
}

// TestShippedGoTemplateShowsCompileErrors checks that a broken handler
// fails with the compiler's file:line message, which the build log shows.
func TestShippedGoTemplateShowsCompileErrors(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the template: %v", err)
	}
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"greet/handler.go": "package function\n\nimport \"net/http\"\n\nfunc Handle(w http.ResponseWriter, r *http.Request) {\n\tundefinedThing()\n}\n",
		"greet/go.mod":     "module handler\n\ngo 1.24\n",
	})
	out := filepath.Join(t.TempDir(), "greet")
	if _, err := Prepare(context.Background(), repo, "go", "greet", out); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	build := exec.Command(goBin, "build", "-o", filepath.Join(t.TempDir(), "handler"), ".")
	build.Dir = out
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "GOWORK=off", "CGO_ENABLED=0")
	b, err := build.CombinedOutput()
	if err == nil {
		t.Fatal("a handler calling an undefined function built")
	}
	if !strings.Contains(string(b), "function/handler.go:6:2: undefined: undefinedThing") {
		t.Errorf("compiler output does not point at the handler:\n%s", b)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

func waitHealthy(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never answered 200", url)
}

func call(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
