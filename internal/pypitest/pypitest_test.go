package pypitest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/pypitest"
	"github.com/ofcbuild/ofc/internal/testenv"
)

// hello has a version for every Python and one for a Python yet to come,
// which pip must pass over when no version is pinned.
func hello(t *testing.T, user, pass string) *pypitest.Server {
	mod := func(v string) map[string]string {
		return map[string]string{
			"hello/__init__.py": "VERSION = \"" + v + "\"\n\ndef greet(who):\n    return f\"hello {who} from {VERSION}\"\n",
		}
	}
	return pypitest.New(t, pypitest.Config{
		Username: user, Password: pass,
		Wheels: []pypitest.Wheel{
			{Name: "Hello.World", Version: "1.0.0", Files: mod("1.0.0"), RequiresPython: ">=3.8"},
			{Name: "Hello.World", Version: "2.0.0", Files: mod("2.0.0"), RequiresPython: ">=4"},
		},
	})
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Hello.World": "hello-world", "a__b--c": "a-b-c", "Flask": "flask", "zope.interface": "zope-interface",
	} {
		if got := pypitest.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// The project page links each wheel with its digest and Python range.
func TestProjectPage(t *testing.T) {
	s := hello(t, "", "")
	res, err := http.Get(s.URL() + "/simple/Hello.World/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Request.URL.Path != "/simple/hello-world/" {
		t.Errorf("not redirected to the normalized name: %s", res.Request.URL)
	}
	m := regexp.MustCompile(`href="\.\./\.\./files/(hello_world-1\.0\.0-py3-none-any\.whl)#sha256=([0-9a-f]{64})" data-requires-python="&gt;=3.8"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no link to the 1.0.0 wheel:\n%s", page)
	}
	res, err = http.Get(s.URL() + "/files/" + string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	whl, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if sum := sha256.Sum256(whl); hex.EncodeToString(sum[:]) != string(m[2]) {
		t.Errorf("wheel does not match its sha256 fragment")
	}
	checkRecord(t, whl)
}

// checkRecord checks that RECORD lists every other file of the wheel with
// its size and urlsafe, unpadded base64 sha256, as installers verify it.
func checkRecord(t *testing.T, whl []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(whl), int64(len(whl)))
	if err != nil {
		t.Fatal(err)
	}
	const record = "hello_world-1.0.0.dist-info/RECORD"
	want := map[string]string{record: record + ",,"}
	var got string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == record {
			got = string(body)
			continue
		}
		sum := sha256.Sum256(body)
		want[f.Name] = fmt.Sprintf("%s,sha256=%s,%d", f.Name, base64.RawURLEncoding.EncodeToString(sum[:]), len(body))
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != len(want) || len(want) != 4 {
		t.Fatalf("RECORD has %d lines for %d files:\n%s", len(lines), len(want), got)
	}
	for _, l := range lines {
		name, _, _ := strings.Cut(l, ",")
		if want[name] != l {
			t.Errorf("RECORD line %q, want %q", l, want[name])
		}
	}
}

// pip installs a pinned version from a private index whose credentials
// are in the index URL, and the module imports.
func TestPipInstall(t *testing.T) {
	py := tool(t)
	s := hello(t, "alice", "s3cr3t")
	target := t.TempDir()

	pip(t, py, "install", "--index-url", s.IndexURL(), "--target", target, "Hello.World==1.0.0")
	out := python(t, py, target, "import hello; print(hello.greet('pip'))")
	if want := "hello pip from 1.0.0"; strings.TrimSpace(out) != want {
		t.Fatalf("python printed %q, want %q", out, want)
	}
	for _, r := range s.Requests() {
		if !r.Authorized {
			t.Errorf("pip sent %s %s without credentials", r.Method, r.Path)
		}
	}
}

// Unpinned, pip takes the newest wheel whose data-requires-python this
// Python meets.
func TestPipInstallHonoursRequiresPython(t *testing.T) {
	py := tool(t)
	s := hello(t, "", "")
	target := t.TempDir()

	pip(t, py, "install", "--index-url", s.IndexURL(), "--target", target, "hello-world")
	if out := python(t, py, target, "import hello; print(hello.VERSION)"); strings.TrimSpace(out) != "1.0.0" {
		t.Fatalf("installed %q, want 1.0.0", out)
	}
}

// Without credentials pip finds nothing to install: it skips an index
// page that answers 401 (saying so only with -vv), as it would on a
// private index.
func TestPipInstallWithoutCredentials(t *testing.T) {
	py := tool(t)
	s := hello(t, "alice", "s3cr3t")

	out, err := command(t, py, "-m", "pip", "install", "--index-url", s.URL()+"/simple/",
		"--target", t.TempDir(), "Hello.World==1.0.0").CombinedOutput()
	if err == nil {
		t.Fatalf("pip install succeeded without credentials:\n%s", out)
	}
	if want := "No matching distribution found for Hello.World==1.0.0"; !strings.Contains(string(out), want) {
		t.Errorf("pip output lacks %q:\n%s", want, out)
	}
	refused := false
	for _, r := range s.Requests() {
		refused = refused || r.Path == "/simple/hello-world/" && !r.Authorized
		if strings.HasPrefix(r.Path, "/files/") {
			t.Errorf("wheel served without credentials: %s", r.Path)
		}
	}
	if !refused {
		t.Errorf("pip never asked for the project page: %+v", s.Requests())
	}
}

func tool(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-m", "pip", "--version").Run()
	}
	if err != nil {
		testenv.Missing(t, "python3 with pip not found: install Python 3 and pip (apt-get install python3-pip)")
	}
	return py
}

// command runs python with pip isolated from the user's configuration:
// no config files, no PIP_* variables, no cache, no prompt, a HOME (and so
// netrc and keyring) of its own.
func command(t *testing.T, py string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, py, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PIP_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "PYTHON") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+t.TempDir(), "PIP_CONFIG_FILE="+os.DevNull,
		"PIP_NO_CACHE_DIR=1", "PIP_NO_INPUT=1", "PIP_DISABLE_PIP_VERSION_CHECK=1")
	return cmd
}

func pip(t *testing.T, py string, args ...string) {
	t.Helper()
	if out, err := command(t, py, append([]string{"-m", "pip"}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("pip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func python(t *testing.T, py, path, code string) string {
	t.Helper()
	cmd := command(t, py, "-c", code)
	cmd.Env = append(cmd.Env, "PYTHONPATH="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python -c %q: %v\n%s", code, err, out)
	}
	return string(out)
}
