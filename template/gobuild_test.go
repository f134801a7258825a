package template

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/testenv"
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

const classicHandler = `package function

import "fmt"

// Handle greets whoever calls.
func Handle(req []byte) string {
	return fmt.Sprintf("Hello, Go. You said: %s", string(req))
}
`

// goBuild builds the prepared context dir as the template's Dockerfile
// does, with the Go toolchain running the tests, offline; env adds to the
// settings. It returns the binary and the compiler's output.
func goBuild(t *testing.T, dir string, env ...string) (string, string, error) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		testenv.Missing(t, "the go command builds the Go templates: "+err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "handler")
	build := exec.CommandContext(ctx, goBin, "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	build.Env = append(build.Env, env...)
	out, err := build.CombinedOutput()
	return bin, string(out), err
}

func prepare(t *testing.T, lang string, handler map[string]string) string {
	t.Helper()
	repo := t.TempDir()
	files := map[string]string{}
	for name, body := range handler {
		files["fn/"+name] = body
	}
	write(t, repo, files)
	out := filepath.Join(t.TempDir(), "fn")
	if _, err := Prepare(context.Background(), repo, lang, "fn", out); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	return out
}

// TestGolangMiddlewareBuilds builds handlers written for OpenFaaS's
// golang-middleware, with their own go.mod and without one.
func TestGolangMiddlewareBuilds(t *testing.T) {
	for name, handler := range map[string]map[string]string{
		"with go.mod":    {"handler.go": goHandler, "go.mod": "module handler/function\n\ngo 1.24.0\n"},
		"without go.mod": {"handler.go": goHandler},
	} {
		t.Run(name, func(t *testing.T) {
			if _, out, err := goBuild(t, prepare(t, "golang-middleware", handler)); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
		})
	}
}

// TestClassicGoAnswersOnStdout builds handlers written for OpenFaaS's
// classic go template, as a module and in GOPATH mode as the Dockerfile
// chooses, and runs them as the classic watchdog does: the body on
// stdin, the answer on stdout.
func TestClassicGoAnswersOnStdout(t *testing.T) {
	t.Run("module", func(t *testing.T) {
		dir := prepare(t, "go", map[string]string{"handler.go": classicHandler, "go.mod": "module handler/function\n\ngo 1.24.0\n"})
		bin, out, err := goBuild(t, dir, "GO111MODULE=on")
		if err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		checkStdout(t, bin)
	})
	t.Run("GOPATH", func(t *testing.T) {
		// The Dockerfile builds in /go/src/handler with GOPATH=/go when
		// the handler has no go.mod.
		gopath := t.TempDir()
		dir := filepath.Join(gopath, "src", "handler")
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(prepare(t, "go", map[string]string{"handler.go": classicHandler}), dir); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(dir, "go.work")); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(dir, "go.mod")); err != nil {
			t.Fatal(err)
		}
		bin, out, err := goBuild(t, dir, "GO111MODULE=off", "GOPATH="+gopath)
		if err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		checkStdout(t, bin)
	})
}

func checkStdout(t *testing.T, bin string) {
	t.Helper()
	run := exec.Command(bin)
	run.Stdin = strings.NewReader("ping")
	out, err := run.Output()
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	// The classic template prints with a final newline.
	if string(out) != "Hello, Go. You said: ping\n" {
		t.Errorf("stdout = %q", out)
	}
}

// TestGoTemplateShowsCompileErrors checks that a broken handler fails with
// the compiler's file:line message, which the build log shows.
func TestGoTemplateShowsCompileErrors(t *testing.T) {
	dir := prepare(t, "golang-middleware", map[string]string{
		"handler.go": "package function\n\nimport \"net/http\"\n\nfunc Handle(w http.ResponseWriter, r *http.Request) {\n\tundefinedThing()\n}\n",
	})
	_, out, err := goBuild(t, dir)
	if err == nil {
		t.Fatal("a handler calling an undefined function built")
	}
	if !strings.Contains(out, "handler.go:6:2: undefined: undefinedThing") {
		t.Errorf("compiler output does not point at the handler:\n%s", out)
	}
}
