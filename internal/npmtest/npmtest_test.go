package npmtest_test

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/npmtest"
	"github.com/ofcbuild/ofc/internal/testenv"
)

const token = "npm_s3cr3t"

func greet(t *testing.T) *npmtest.Server {
	return npmtest.New(t, npmtest.Config{
		Token: token,
		Packages: []npmtest.Package{
			{Name: "@acme/greet", Version: "1.0.0", Files: map[string]string{
				"index.js": `exports.hello = (who) => "hello " + who + " from 1.0.0";` + "\n",
			}},
			{Name: "@acme/greet", Version: "1.1.0", Files: map[string]string{
				"index.js": `exports.hello = (who) => "hello " + who + " from 1.1.0";` + "\n",
			}},
		},
	})
}

// The packument carries what npm checks, and the tarball matches it.
func TestPackument(t *testing.T) {
	s := greet(t)
	get := func(path, tok string) *http.Response {
		req, _ := http.NewRequest("GET", s.URL()+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}

	if res := get("/@acme%2fgreet", ""); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without token: %s, want 401", res.Status)
	}
	if res := get("/@acme%2fgreet", "wrong"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %s, want 401", res.Status)
	}
	var doc struct {
		Name     string            `json:"name"`
		DistTags map[string]string `json:"dist-tags"`
		Versions map[string]struct {
			Dist struct{ Tarball, Integrity, Shasum string }
		}
	}
	if err := json.NewDecoder(get("/@acme%2fgreet", token).Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Name != "@acme/greet" || doc.DistTags["latest"] != "1.1.0" || len(doc.Versions) != 2 {
		t.Fatalf("packument = %+v", doc)
	}
	dist := doc.Versions["1.1.0"].Dist
	if want := s.URL() + "/@acme/greet/-/greet-1.1.0.tgz"; dist.Tarball != want {
		t.Fatalf("tarball = %q, want %q", dist.Tarball, want)
	}
	tgz, _ := io.ReadAll(get(strings.TrimPrefix(dist.Tarball, s.URL()), token).Body)
	sum := sha512.Sum512(tgz)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != dist.Integrity {
		t.Fatalf("integrity = %s, tarball hashes to %s", dist.Integrity, got)
	}
	if res := get("/@acme/greet", token); res.StatusCode != http.StatusOK {
		t.Fatalf("unescaped scope: %s", res.Status)
	}
	if res := get("/@acme/nothing", token); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown package: %s", res.Status)
	}
}

// npm installs a scoped package with the .npmrc a user would write, and
// its code runs.
func TestNPMInstall(t *testing.T) {
	npm, node := tool(t, "npm"), tool(t, "node")
	s := greet(t)
	dir := project(t, s.NPMRC("@acme"))

	run(t, dir, npm, "install", "--no-audit", "--no-fund", "@acme/greet")
	out := run(t, dir, node, "-e", `console.log(require("@acme/greet").hello("npm"))`)
	if want := "hello npm from 1.1.0"; strings.TrimSpace(out) != want {
		t.Fatalf("node printed %q, want %q", out, want)
	}
	for _, r := range s.Requests() {
		if !r.Authorized {
			t.Errorf("npm sent %s %s without the token", r.Method, r.Path)
		}
	}
	if !requested(s, "/@acme/greet/-/greet-1.1.0.tgz") {
		t.Errorf("tarball never fetched; requests: %+v", s.Requests())
	}
}

// Without the token npm fails with its 401 error and installs nothing.
func TestNPMInstallWithoutToken(t *testing.T) {
	npm := tool(t, "npm")
	s := greet(t)
	dir := project(t, "@acme:registry="+s.URL()+"/\n")

	out, err := command(t, dir, npm, "install", "--no-audit", "--no-fund", "@acme/greet").CombinedOutput()
	if err == nil {
		t.Fatalf("npm install succeeded without a token:\n%s", out)
	}
	for _, want := range []string{
		"code E401",
		"401 Unauthorized - GET " + s.URL() + "/@acme%2fgreet - authentication required",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("npm output lacks %q:\n%s", want, out)
		}
	}
	if requested(s, "/@acme/greet/-/greet-1.1.0.tgz") {
		t.Error("tarball served without a token")
	}
}

func requested(s *npmtest.Server, path string) bool {
	for _, r := range s.Requests() {
		if r.Path == path && r.Authorized {
			return true
		}
	}
	return false
}

// project makes an empty npm project whose .npmrc is npmrc.
func project(t *testing.T, npmrc string) string {
	dir := t.TempDir()
	files := map[string]string{
		"package.json": `{"name": "app", "version": "1.0.0", "private": true}` + "\n",
		".npmrc":       npmrc,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testenv.Missing(t, name+" not on PATH: install Node.js (apt-get install nodejs npm)")
	}
	return p
}

// command runs name in dir with a HOME and npm cache of its own, so the
// user's ~/.npmrc and cache play no part.
func command(t *testing.T, dir, name string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	home := t.TempDir()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(strings.ToLower(kv), "npm_config_") && !strings.HasPrefix(kv, "HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+home,
		"npm_config_cache="+filepath.Join(home, ".npm"),
		"npm_config_update_notifier=false")
	return cmd
}

func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out, err := command(t, dir, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}
