package plan

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// hashes plans files as commit c of branch and returns each function's
// content hash.
func hashes(t *testing.T, p *Planner, files map[string]string, branch string, c byte) map[string]string {
	t.Helper()
	repo := writeRepo(t, files)
	ev := event()
	ev.Branch, ev.Ref = branch, "refs/heads/"+branch
	ev.Commit = strings.Repeat(string(c), 40)
	pl, err := p.Plan(context.Background(), ev, repo, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range pl.Functions {
		if s.Problem != "" {
			t.Fatalf("%s: %s", s.Name, s.Problem)
		}
		out[s.Name] = s.ContentHash
	}
	return out
}

// The hash follows what makes an image: not the commit or branch, but
// each function's own files, the code they share, their build arguments,
// and the service's watchdog.
func TestContentHashFollowsWhatMakesTheImage(t *testing.T) {
	base := map[string]string{
		"stack.yml": "configuration:\n  copy: [./shared]\nfunctions:\n" +
			"  a:\n    lang: dockerfile\n    handler: ./a\n  b:\n    lang: dockerfile\n    handler: ./b\n",
		"a/Dockerfile":  "FROM busybox\nCOPY . /app\n",
		"a/main.sh":     "echo a\n",
		"b/Dockerfile":  "FROM ghcr.io/openfaas/of-watchdog:0.11.3 AS wd\nFROM busybox\nCOPY . /app\n",
		"b/main.sh":     "echo b\n",
		"shared/lib.sh": "lib() { :; }\n",
		"README.md":     "not in any context\n",
	}
	wd := t.TempDir()
	if err := os.WriteFile(filepath.Join(wd, "fwatchdog"), []byte("watchdog v1"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := New(Config{ImageRef: localRef, Watchdogs: map[string]string{"of-watchdog": wd}})
	first := hashes(t, p, base, "main", '1')
	if first["a"] == first["b"] || len(first["a"]) != 64 {
		t.Fatalf("hashes = %v", first)
	}
	with := func(change map[string]string) map[string]string {
		files := maps.Clone(base)
		maps.Copy(files, change)
		return files
	}
	for _, c := range []struct {
		name    string
		files   map[string]string
		changed map[string]bool
	}{
		{"another commit on another branch", base, nil},
		{"a file outside every context", with(map[string]string{"README.md": "changed\n"}), nil},
		{"a's handler", with(map[string]string{"a/main.sh": "echo A\n"}), map[string]bool{"a": true}},
		{"a new file in b", with(map[string]string{"b/extra.txt": "x\n"}), map[string]bool{"b": true}},
		{"the code both copy", with(map[string]string{"shared/lib.sh": "lib() { true; }\n"}), map[string]bool{"a": true, "b": true}},
		{"a build argument of a", with(map[string]string{"stack.yml": "configuration:\n  copy: [./shared]\nfunctions:\n" +
			"  a:\n    lang: dockerfile\n    handler: ./a\n    build_args:\n      MODE: prod\n  b:\n    lang: dockerfile\n    handler: ./b\n"}),
			map[string]bool{"a": true}},
	} {
		got := hashes(t, p, c.files, "feature", '2')
		for _, fn := range []string{"a", "b"} {
			if changed := got[fn] != first[fn]; changed != c.changed[fn] {
				t.Errorf("%s: %s's hash changed = %v, want %v", c.name, fn, changed, c.changed[fn])
			}
		}
	}

	// A new watchdog makes a new image of the function that copies it.
	if err := os.WriteFile(filepath.Join(wd, "fwatchdog"), []byte("watchdog v2"), 0o755); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(wd, "fwatchdog"), later, later); err != nil {
		t.Fatal(err)
	}
	got := hashes(t, p, base, "main", '3')
	if got["a"] != first["a"] || got["b"] == first["b"] {
		t.Errorf("after a new watchdog: a changed %v, b changed %v; want b only", got["a"] != first["a"], got["b"] != first["b"])
	}
}

// An execute bit is part of the image.
func TestContentHashSeesExecuteBits(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(f, []byte("echo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := New(Config{ImageRef: localRef})
	spec := pipeline.FunctionSpec{ContextDir: dir, Dockerfile: "Dockerfile"}
	before, err := p.contentHash(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(f, 0o755); err != nil {
		t.Fatal(err)
	}
	after, err := p.contentHash(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if before == after {
		t.Error("making run.sh executable left the hash as it was")
	}
}
