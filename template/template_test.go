package template

import (
	"context"
	"github.com/ofcbuild/ofc/pipeline"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// TestPrepareShippedTemplates checks the context each shipped template
// makes: its files, the files it shares with others, the handler in its
// function folder, and a watchdog stage the builder can stand in for.
func TestPrepareShippedTemplates(t *testing.T) {
	tests := []struct {
		lang, fprocess, watchdog string
		handler                  map[string]string
		files                    []string
	}{
		{"golang-middleware", "./handler", OfWatchdog, map[string]string{"handler.go": goHandler},
			[]string{"Dockerfile", "main.go", "go.mod", "go.work", "go-build.sh", "function/handler.go", "function/go.mod"}},
		{"go", "./handler", ClassicWatchdog, map[string]string{"handler.go": "package function\n", "go.mod": "module handler/function\n"},
			[]string{"Dockerfile", "main.go", "go.mod", "go.work", "go-build.sh", "function/handler.go", "function/go.mod"}},
		{"node20", "node index.js", OfWatchdog, map[string]string{"handler.js": "module.exports = async () => 1\n"},
			[]string{"Dockerfile", "index.js", "package.json", "npm-install.sh", "function/handler.js", "function/package.json"}},
		{"python3-http", "python index.py", OfWatchdog, map[string]string{"handler.py": "def handle(event, context):\n    return None\n"},
			[]string{"Dockerfile", "index.py", "ofc_server.py", "python-build.sh", "function/handler.py", "function/requirements.txt"}},
		{"python3-flask", "python index.py", OfWatchdog, map[string]string{"handler.py": "def handle(req):\n    return req\n"},
			[]string{"Dockerfile", "index.py", "ofc_server.py", "python-build.sh", "function/handler.py", "function/requirements.txt"}},
		{"python3", "python3 index.py", ClassicWatchdog, map[string]string{"handler.py": "def handle(req):\n    return req\n"},
			[]string{"Dockerfile", "index.py", "python-build.sh", "function/handler.py", "function/requirements.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			repo := t.TempDir()
			files := map[string]string{}
			for name, body := range tt.handler {
				files["fn/"+name] = body
			}
			write(t, repo, files)
			out := filepath.Join(t.TempDir(), "fn")
			c, err := Prepare(context.Background(), repo, tt.lang, "./fn", out)
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			if c.Dir != out || c.Dockerfile != "Dockerfile" || c.From != "shipped template "+tt.lang || c.FProcess != tt.fprocess {
				t.Errorf("context = %+v", c)
			}
			for _, f := range tt.files {
				if !exists(filepath.Join(out, f)) {
					t.Errorf("%s missing from the context", f)
				}
			}
			for name, body := range tt.handler {
				if got := read(t, filepath.Join(out, "function", name)); got != body {
					t.Errorf("function/%s = %q, want the handler's %q", name, got, body)
				}
			}
			if exists(filepath.Join(out, "go.mod.txt")) || exists(filepath.Join(out, "function/go.mod.txt")) {
				t.Error("go.mod.txt was copied under its stored name")
			}
			df := []byte(read(t, filepath.Join(out, "Dockerfile")))
			kinds := slices.Collect(maps.Values(Watchdogs(df, nil)))
			if !reflect.DeepEqual(kinds, []string{tt.watchdog}) {
				t.Errorf("watchdog stages = %v, want one %s", kinds, tt.watchdog)
			}
		})
	}
}

func TestPrepareRepositoryTemplateWins(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"template/go/Dockerfile":   "FROM scratch\nCOPY handler /handler\n",
		"template/go/template.yml": "language: go\nfprocess: ./handler\nhandler_folder: src\nwelcome_message: hi\nbuild_options:\n  - name: dev\n    packages: [make, git]\n",
		"template/go/src/skel.go":  "package function\n",
		"api/handler.go":           "package function\n",
	})
	out := filepath.Join(t.TempDir(), "api")
	c, err := Prepare(context.Background(), repo, "go", "api", out)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	want := Context{
		Dir: out, Dockerfile: "Dockerfile", FProcess: "./handler",
		BuildOptions: map[string][]string{"dev": {"make", "git"}},
		Handler:      "src", // the template's handler_folder
		From:         "template/go in the repository",
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("context = %+v, want %+v", c, want)
	}
	if got := read(t, filepath.Join(out, "Dockerfile")); !strings.HasPrefix(got, "FROM scratch") {
		t.Errorf("Dockerfile is not the repository's:\n%s", got)
	}
	// faas-cli overlays the handler on the template's function folder.
	for _, f := range []string{"src/skel.go", "src/handler.go"} {
		if !exists(filepath.Join(out, f)) {
			t.Errorf("%s missing", f)
		}
	}
	if exists(filepath.Join(out, "main.go")) {
		t.Error("shipped files mixed into the repository's template")
	}
}

func TestPrepareRepositoryOnlyTemplate(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"template/ruby/Dockerfile": "FROM ruby\n",
		"fn/index.rb":              "puts 1\n",
	})
	if _, err := Prepare(context.Background(), repo, "ruby", "fn", filepath.Join(t.TempDir(), "fn")); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	want := []string{"dockerfile", "go", "golang-middleware", "node20", "python3", "python3-flask", "python3-http", "ruby"}
	if got := (Templates{}).Available(repo); !reflect.DeepEqual(got, want) {
		t.Errorf("Available = %v", got)
	}
}

func TestPrepareDockerfile(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"web/Dockerfile":          "FROM busybox\n",
		"web/index.html":          "<p>hi</p>",
		"web/build/old":           "stale",
		"web/template/x/y":        "not part of the function",
		"web/static/app.js":       "1",
		"template/dockerfile/bad": "ignored for the dockerfile language",
	})
	if err := os.Chmod(filepath.Join(repo, "web/static/app.js"), 0o777); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "web")
	c, err := Prepare(context.Background(), repo, "Dockerfile", "./web/", out)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	want := Context{Dir: out, Dockerfile: "Dockerfile", Handler: ".", From: "Dockerfile in the handler"}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("context = %+v, want %+v", c, want)
	}
	for f, want := range map[string]bool{"Dockerfile": true, "index.html": true, "static/app.js": true, "build": false, "template": false, "bad": false} {
		if got := exists(filepath.Join(out, f)); got != want {
			t.Errorf("%s in context = %v, want %v", f, got, want)
		}
	}
	st, err := os.Stat(filepath.Join(out, "static/app.js"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o755 {
		t.Errorf("mode = %v, want 0755 (executable kept, world write dropped)", st.Mode().Perm())
	}
}

func TestPrepareErrors(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, map[string]string{"secret.txt": "host secret", "Dockerfile": "FROM scratch\n"})
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"plain/handler.go":          "package function\n",
		"leaky/handler.go":          "package function\n",
		"template/empty/README":     "no Dockerfile here",
		"template/bad/Dockerfile":   "FROM scratch\n",
		"template/bad/template.yml": "handler_folder: ../../x\n",
	})
	must(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(repo, "leaky/secret.txt")))
	must(t, os.Symlink(outside, filepath.Join(repo, "linked")))
	must(t, os.Symlink("nowhere", filepath.Join(repo, "plain/dangling")))
	must(t, os.Mkdir(filepath.Join(repo, "loop"), 0o755))
	must(t, os.Symlink(".", filepath.Join(repo, "loop/again")))

	tests := []struct {
		name, lang, handler, want string
	}{
		{"unknown lang", "ruby", "plain", `unknown template "ruby" (available: bad, dockerfile, empty, go, golang-middleware, node20, python3, python3-flask, python3-http); to use your own, add it to the repository as template/ruby/ (faas-cli template pull puts it there)`},
		{"retired lang", "python", "plain", `template "python" was retired by OpenFaaS (Python 2.7 is end of life): move to python3, the nearest current template (available: bad, dockerfile, empty, go, golang-middleware, node20, python3, python3-flask, python3-http); to use your own, add it to the repository as template/python/ (faas-cli template pull puts it there)`},
		{"shared folder is not a language", "_include", "plain", `"_include" is not a template name`},
		{"lang with a path", "../go", "plain", `"../go" is not a template name`},
		{"handler outside", "go", "../x", `handler "../x" is outside the repository`},
		{"no Dockerfile in handler", "dockerfile", "plain", `handler "plain" has no Dockerfile: lang "dockerfile" builds the Dockerfile in the handler folder`},
		{"repository template without Dockerfile", "empty", "plain", `template/empty in the repository has no Dockerfile`},
		{"handler folder outside the template", "bad", "plain", `template "bad": handler_folder "../../x" is not a folder inside the template`},
		{"link to a file outside", "go", "leaky", `handler "leaky": leaky/secret.txt is a symbolic link that leads outside the repository`},
		{"handler is a link outside", "dockerfile", "linked", `handler "linked" leads outside the repository through a symbolic link`},
		{"handler is a link outside, template", "go", "linked", `handler "linked" leads outside the repository through a symbolic link`},
		{"handler missing", "go", "nope", `handler "nope" does not exist`},
		{"handler a file", "go", "plain/handler.go", `handler "plain/handler.go" is not a folder`},
		{"dangling link", "go", "plain", `handler "plain": plain/dangling is a symbolic link to nothing`},
		{"link loop", "go", "loop", `handler "loop": loop` + strings.Repeat("/again", maxLinkDepth+1) + `: too many levels of symbolic links`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Prepare(context.Background(), repo, tt.lang, tt.handler, filepath.Join(t.TempDir(), "out"))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v\nwant  %s", err, tt.want)
			}
		})
	}
}

func TestPrepareFollowsLinksInsideTheRepository(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"shared/util.go":    "package function\n",
		"shared/lib/x.go":   "package lib\n",
		"api/handler.go":    "package function\n",
		"api/Dockerfile":    "FROM scratch\n",
		"common/config.txt": "a=b\n",
	})
	must(t, os.Symlink("../shared/util.go", filepath.Join(repo, "api/util.go")))
	must(t, os.Symlink("../shared/lib", filepath.Join(repo, "api/lib")))
	must(t, os.Symlink("common", filepath.Join(repo, "conf")))
	must(t, os.Symlink("../conf/config.txt", filepath.Join(repo, "api/config.txt")))
	out := filepath.Join(t.TempDir(), "api")
	if _, err := Prepare(context.Background(), repo, "dockerfile", "api", out); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	for f, want := range map[string]string{"util.go": "package function\n", "lib/x.go": "package lib\n", "config.txt": "a=b\n"} {
		p := filepath.Join(out, f)
		if st, err := os.Lstat(p); err != nil || st.Mode()&os.ModeSymlink != 0 {
			t.Errorf("%s: want a copied file, got %v %v", f, st, err)
			continue
		}
		if got := read(t, p); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
}

func TestPrepareWantsAnEmptyOutput(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, map[string]string{"api/Dockerfile": "FROM scratch\n"})
	out := t.TempDir()
	write(t, out, map[string]string{"old": "x"})
	_, err := Prepare(context.Background(), repo, "dockerfile", "api", out)
	if err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("err = %v, want a not-empty error", err)
	}
}

func TestPrepareHonoursContext(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, map[string]string{"api/Dockerfile": "FROM scratch\n"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Prepare(ctx, repo, "dockerfile", "api", filepath.Join(t.TempDir(), "out"))
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestInstallationTemplates: an installation's templates are offered to
// every repository, after the repository's own and before the shipped
// ones.
func TestInstallationTemplates(t *testing.T) {
	inst := t.TempDir()
	write(t, inst, map[string]string{
		"node20/Dockerfile":       "FROM node:20-bookworm-slim\n# the team's own\n",
		"node20/template.yml":     "language: node20\nfprocess: node index.js\n",
		"acme-node/Dockerfile":    "FROM node:20-bookworm-slim\n",
		"acme-node/function/skel": "x",
	})
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"fn/handler.js":                 "module.exports = async () => 1\n",
		"template/acme-node/Dockerfile": "FROM scratch\n# the repository's own\n",
	})
	ts := Templates{Dir: inst}
	for lang, from := range map[string]string{
		"node20":    "installation's template node20",
		"acme-node": "template/acme-node in the repository",
		"python3":   "shipped template python3",
	} {
		c, err := ts.Prepare(context.Background(), repo, lang, "fn", filepath.Join(t.TempDir(), "fn"))
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if c.From != from {
			t.Errorf("%s came from the %s, want the %s", lang, c.From, from)
		}
		if !exists(filepath.Join(c.Dir, "function", "handler.js")) {
			t.Errorf("%s: the handler is not in the function folder", lang)
		}
	}
	want := []string{"acme-node", "dockerfile", "go", "golang-middleware", "node20", "python3", "python3-flask", "python3-http"}
	if got := ts.Available(repo); !reflect.DeepEqual(got, want) {
		t.Errorf("Available = %v, want %v", got, want)
	}
	_, err := Templates{Dir: filepath.Join(inst, "missing")}.Prepare(context.Background(), repo, "node20", "fn", filepath.Join(t.TempDir(), "fn"))
	if !pipeline.IsTransient(err) {
		t.Errorf("a missing installation folder gave %v, want a transient error: it is not the user's", err)
	}
}

// TestDebianVariantsAreTheShippedTemplates: OpenFaaS's -debian variants
// name the same contracts, which the shipped templates build on Debian.
func TestDebianVariantsAreTheShippedTemplates(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, map[string]string{"fn/handler.py": "def handle(req):\n    return req\n"})
	c, err := Prepare(context.Background(), repo, "python3-flask-debian", "fn", filepath.Join(t.TempDir(), "fn"))
	if err != nil {
		t.Fatal(err)
	}
	if c.From != "shipped template python3-flask (for python3-flask-debian)" || c.FProcess != "python index.py" {
		t.Errorf("context = %+v", c)
	}
}
