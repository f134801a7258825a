package goproxytest_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/goproxytest"
	"github.com/ofcbuild/ofc/internal/testenv"
)

// greet's path has upper case so that every URL the go command asks for
// is escaped ("!acme").
const greetPath = "example.com/Acme/greet"

func greet(t *testing.T) *goproxytest.Server {
	src := func(v string) map[string]string {
		return map[string]string{
			"greet.go": "// Package greet greets.\npackage greet\n\n" +
				"// Hello greets who.\nfunc Hello(who string) string { return \"hello \" + who + \" from " + v + "\" }\n",
		}
	}
	return goproxytest.New(t, goproxytest.Config{Modules: []goproxytest.Module{
		{Path: greetPath, Version: "v1.0.0", Files: src("v1.0.0")},
		{Path: greetPath, Version: "v1.2.0", Files: src("v1.2.0")},
	}})
}

func TestProtocol(t *testing.T) {
	s := greet(t)
	for path, want := range map[string]string{
		"/example.com/!acme/greet/@v/list":        "v1.0.0\nv1.2.0\n",
		"/example.com/!acme/greet/@v/v1.0.0.info": `{"Time":"2024-01-01T00:00:00Z","Version":"v1.0.0"}`,
		"/example.com/!acme/greet/@v/v1.0.0.mod":  "module example.com/Acme/greet\n\ngo 1.21\n",
		"/example.com/!acme/greet/@latest":        `{"Time":"2024-01-01T00:00:00Z","Version":"v1.2.0"}`,
	} {
		if code, got := get(t, s.URL()+path); code != http.StatusOK || got != want {
			t.Errorf("GET %s = %d %q, want %q", path, code, got, want)
		}
	}
	for _, path := range []string{
		"/example.com/Acme/greet/@v/list", // unescaped: another module
		"/example.com/!acme/greet/@v/v9.0.0.info",
		"/example.com/!acme/greet/@v/v1.0.0.txt",
		"/example.com/other/@v/list",
	} {
		if code, _ := get(t, s.URL()+path); code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, code)
		}
	}
	lines := strings.Split(strings.TrimSpace(s.GoSum()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], greetPath+" v1.0.0 h1:") ||
		!strings.HasPrefix(lines[1], greetPath+" v1.0.0/go.mod h1:") {
		t.Errorf("GoSum() =\n%s", s.GoSum())
	}
}

// A module that requires greet builds from the proxy with the go.sum a
// user commits, and the go command's own hashes match GoSum's.
func TestGoBuild(t *testing.T) {
	goBin := tool(t)
	s := greet(t)
	main := "package main\n\nimport (\n\t\"fmt\"\n\n\t\"" + greetPath + "\"\n)\n\n" +
		"func main() { fmt.Println(greet.Hello(\"go\")) }\n"
	gomod := "module example.com/app\n\ngo 1.21\n\nrequire " + greetPath + " v1.0.0\n"

	t.Run("go.sum", func(t *testing.T) {
		// GOSUMDB stays on: a build that asked it about greet would fail,
		// since no checksum database knows the module. Before any lookup
		// the go command asks the proxy whether it proxies the database
		// (/sumdb/sum.golang.org/supported), so no such request means no
		// lookup, and the test needs no network to show it.
		dir := app(t, main, gomod, s.GoSum())
		before := len(s.Requests())
		if out := build(t, goBin, dir, s.URL(), "sum.golang.org"); out != "hello go from v1.0.0\n" {
			t.Fatalf("app printed %q", out)
		}
		for _, r := range s.Requests()[before:] {
			if strings.Contains(r.Path, "/sumdb/") {
				t.Errorf("the go command consulted a checksum database: %s", r.Path)
			}
		}
	})

	t.Run("GOSUMDB=off", func(t *testing.T) {
		dir := app(t, main, gomod, "")
		if out := build(t, goBin, dir, s.URL(), "off"); out != "hello go from v1.0.0\n" {
			t.Fatalf("app printed %q", out)
		}
		sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(sum)), "\n") {
			if !strings.Contains(s.GoSum(), l+"\n") {
				t.Errorf("the go command wrote go.sum line %q, not among GoSum's:\n%s", l, s.GoSum())
			}
		}
	})

	t.Run("tampered go.sum", func(t *testing.T) {
		bad := strings.Replace(s.GoSum(), " h1:", " h1:AAAA", 1)
		dir := app(t, main, gomod, bad)
		out, err := goCmd(t, goBin, dir, s.URL(), "sum.golang.org", "build", "-o", "app", ".").CombinedOutput()
		if err == nil || !strings.Contains(string(out), "checksum mismatch") {
			t.Fatalf("build with a wrong go.sum: err %v, output:\n%s", err, out)
		}
	})
}

func app(t *testing.T, main, gomod, gosum string) string {
	dir := t.TempDir()
	for name, body := range map[string]string{"main.go": main, "go.mod": gomod, "go.sum": gosum} {
		if body == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// build builds the module in dir and returns what its binary prints.
func build(t *testing.T, goBin, dir, proxy, sumdb string) string {
	t.Helper()
	if out, err := goCmd(t, goBin, dir, proxy, sumdb, "build", "-o", "app", ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(dir, "app")).Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// goCmd runs the go command with only this proxy, a module cache of its
// own (writable, so t.TempDir can remove it) and none of the user's go
// env file, GOPRIVATE or GOFLAGS.
func goCmd(t *testing.T, goBin, dir, proxy, sumdb string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOENV=off", "GOWORK=off", "GOTOOLCHAIN=local",
		"GOPROXY="+proxy, "GOSUMDB="+sumdb, "GONOSUMDB=", "GOPRIVATE=", "GONOPROXY=", "GOINSECURE=",
		"GOFLAGS=-mod=mod -modcacherw", "GOMODCACHE="+t.TempDir())
	return cmd
}

func tool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		testenv.Missing(t, "go not on PATH: install Go from https://go.dev/dl/")
	}
	return p
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}
