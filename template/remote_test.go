package template

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// trees is a Fetcher over folders written by the test, keyed by
// "url#ref", which records what was fetched. The real fetcher (git, the
// cache) is source's and is tested there.
type trees struct {
	t       *testing.T
	mu      sync.Mutex
	dirs    map[string]string
	fails   map[string]error
	fetched []string
}

func newTrees(t *testing.T) *trees {
	return &trees{t: t, dirs: map[string]string{}, fails: map[string]error{}}
}

// add makes repository url at ref hold files (template/<lang>/...).
func (tr *trees) add(url, ref string, files map[string]string) {
	dir := tr.t.TempDir()
	write(tr.t, dir, files)
	tr.dirs[url+"#"+ref] = dir
}

func (tr *trees) Fetch(_ context.Context, _ pipeline.Event, url, ref string) (string, string, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	key := url + "#" + ref
	tr.fetched = append(tr.fetched, key)
	if err := tr.fails[key]; err != nil {
		return "", "", err
	}
	dir, ok := tr.dirs[key]
	if !ok {
		return "", "", fmt.Errorf("template repository %s: no branch or tag %q", url, ref)
	}
	return dir, fmt.Sprintf("%040x", len(key)), nil
}

type store map[string]string

func (s store) Lookup(_ context.Context, name string) (string, error) { return s[name], nil }

func tmpl(marker string) map[string]string {
	return map[string]string{"Dockerfile": "FROM scratch\n# " + marker + "\n", "template.yml": "language: x\n"}
}

func under(lang string, files map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range files {
		out["template/"+lang+"/"+k] = v
	}
	return out
}

// prepareRemote prepares lang for a handler ./fn of a repository of files, and
// returns the context's From and which template its Dockerfile is.
func prepareRemote(t *testing.T, tm Templates, files map[string]string, lang string) (string, string, error) {
	t.Helper()
	repo := t.TempDir()
	files["fn/handler.go"] = "package function\n"
	write(t, repo, files)
	out := filepath.Join(t.TempDir(), "ctx")
	c, err := tm.Prepare(context.Background(), repo, lang, "fn", out)
	if err != nil {
		return "", "", err
	}
	df := read(t, filepath.Join(out, "Dockerfile"))
	_, marker, _ := strings.Cut(strings.TrimSpace(df), "# ")
	if !exists(filepath.Join(out, "function", "handler.go")) {
		t.Errorf("%s: the handler is not in the context", lang)
	}
	return c.From, marker, nil
}

// The lookup order: the repository's template/, the stack file's
// configuration.templates, the installation's template repositories in
// order, the installation's folder, the shipped templates. A source is
// fetched only when a template was not found before it.
func TestRemoteLookupOrder(t *testing.T) {
	tr := newTrees(t)
	tr.add("https://git.test/stack", "1.0", under("mine", tmpl("stack")))
	tr.add("https://git.test/inst-a", "", under("shared", tmpl("inst-a")))
	tr.add("https://git.test/inst-b", "main", merge(under("shared", tmpl("inst-b")), under("only-b", tmpl("inst-b"))))
	instDir := t.TempDir()
	write(t, instDir, merge(map[string]string{"dirlang/Dockerfile": "FROM scratch\n# dir\n"}, nil))
	remote := &Remote{
		Fetcher:      tr,
		Stack:        []Named{{Name: "mine", Repository: Repository{URL: "https://git.test/stack", Ref: "1.0"}}},
		Installation: []Repository{{URL: "https://git.test/inst-a"}, {URL: "https://git.test/inst-b", Ref: "main"}},
	}
	tm := Templates{Dir: instDir, Remote: remote}

	for _, tc := range []struct {
		lang, own, marker, from string
		fetched                 []string
	}{
		{"mine", "own", "own", "template/mine in the repository", nil},
		{"mine", "", "stack", "template mine of https://git.test/stack at 1.0, commit ", []string{"https://git.test/stack#1.0"}},
		{"shared", "", "inst-a", "one of the installation's template repositories", []string{"https://git.test/inst-a#"}},
		{"only-b", "", "inst-b", "template only-b of https://git.test/inst-b at main", []string{"https://git.test/inst-a#", "https://git.test/inst-b#main"}},
		{"dirlang", "", "dir", "installation's template dirlang", []string{"https://git.test/inst-a#", "https://git.test/inst-b#main"}},
	} {
		tr.fetched = nil
		files := map[string]string{}
		if tc.own != "" {
			files = under(tc.lang, tmpl(tc.own))
		}
		from, marker, err := prepareRemote(t, tm, files, tc.lang)
		if err != nil {
			t.Fatalf("%s: %v", tc.lang, err)
		}
		if marker != tc.marker || !strings.Contains(from, tc.from) {
			t.Errorf("%s (own %q): template %q from %q, want %q from %q", tc.lang, tc.own, marker, from, tc.marker, tc.from)
		}
		if strings.Join(tr.fetched, " ") != strings.Join(tc.fetched, " ") {
			t.Errorf("%s: fetched %v, want %v", tc.lang, tr.fetched, tc.fetched)
		}
	}

	// A shipped template comes last, after every installation repository
	// was asked.
	tr.fetched = nil
	from, _, err := prepareRemote(t, tm, map[string]string{"fn/go.mod": "module handler\n"}, "golang-middleware")
	if err != nil || !strings.HasPrefix(from, "shipped template golang-middleware") || len(tr.fetched) != 2 {
		t.Errorf("golang-middleware from %q (%v), fetched %v", from, err, tr.fetched)
	}
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range []map[string]string{a, b} {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// A configuration.templates entry with a name only is found through the
// store; a pinned lang (name@ref) is fetched at its ref from the source
// that offers the name: the stack file's entry, an installation
// repository, the store; the repository's template/<name>@<ref>/, as
// faas-cli pulls it, comes first; with no source of versions, the
// template of that name is used and the log says so.
func TestRemoteStoreAndPins(t *testing.T) {
	tr := newTrees(t)
	tr.add("https://github.com/openfaas/golang-http-template", "", under("golang-middleware", tmpl("store-head")))
	tr.add("https://github.com/openfaas/golang-http-template", "0.9.0", under("golang-middleware", tmpl("store-0.9.0")))
	tr.add("https://git.test/stack", "v2", under("mine", tmpl("stack-v2")))
	tr.add("https://git.test/inst", "", under("team", tmpl("inst-head")))
	tr.add("https://git.test/inst", "rc", under("team", tmpl("inst-rc")))
	st := store{"golang-middleware": "https://github.com/openfaas/golang-http-template"}

	for _, tc := range []struct {
		name   string
		stack  []Named
		store  Store
		files  map[string]string
		lang   string
		marker string
		from   string
	}{
		{"name only, from the store", []Named{{Name: "golang-middleware"}}, st, nil, "golang-middleware", "store-head",
			"of https://github.com/openfaas/golang-http-template at its default branch, commit"},
		{"pinned, the stack file's entry at the pin", []Named{{Name: "mine", Repository: Repository{URL: "https://git.test/stack", Ref: "v1"}}}, nil, nil, "mine@v2", "stack-v2",
			"at v2, commit"},
		{"pinned, the installation's repository", nil, nil, nil, "team@rc", "inst-rc", "of https://git.test/inst at rc"},
		{"pinned, the store", nil, st, nil, "golang-middleware@0.9.0", "store-0.9.0", "at 0.9.0, commit"},
		{"pinned, pulled into the repository", nil, st, under("golang-middleware@0.9.0", tmpl("pulled")), "golang-middleware@0.9.0", "pulled",
			"template/golang-middleware@0.9.0 in the repository"},
		{"pinned, no source", nil, nil, under("own", tmpl("own")), "own@1.0", "own",
			"template/own in the repository (lang own@1.0: no template repository offers own, so the pin is not followed"},
	} {
		remote := &Remote{Fetcher: tr, Store: tc.store, Stack: tc.stack, Installation: []Repository{{URL: "https://git.test/inst"}}}
		files := tc.files
		if files == nil {
			files = map[string]string{}
		}
		from, marker, err := prepareRemote(t, Templates{Remote: remote}, files, tc.lang)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if marker != tc.marker || !strings.Contains(from, tc.from) {
			t.Errorf("%s: template %q from %q, want %q from ...%q...", tc.name, marker, from, tc.marker, tc.from)
		}
	}
}

// A source that fails fails the function that needs it with its error,
// as transient as the fetcher said; a repository named for a template it
// does not have, or a name the store does not know, is the user's.
func TestRemoteErrors(t *testing.T) {
	tr := newTrees(t)
	tr.add("https://git.test/stack", "", under("other", tmpl("x")))
	down := pipeline.Transient(errors.New("template repository https://git.test/down: git ls-remote: exit 128: fatal: unable to access: Could not resolve host: git.test"))
	tr.fails["https://git.test/down#"] = down

	for _, tc := range []struct {
		name      string
		remote    *Remote
		lang      string
		transient bool
		says      string
	}{
		{"unreachable", &Remote{Stack: []Named{{Name: "x", Repository: Repository{URL: "https://git.test/down"}}}}, "x", true, "Could not resolve host"},
		{"unreachable installation repository", &Remote{Installation: []Repository{{URL: "https://git.test/down"}}}, "go", true, "https://git.test/down"},
		{"unknown ref", &Remote{Stack: []Named{{Name: "x", Repository: Repository{URL: "https://git.test/stack", Ref: "9.9"}}}}, "x", false, `no branch or tag "9.9"`},
		{"no such template", &Remote{Stack: []Named{{Name: "x", Repository: Repository{URL: "https://git.test/stack"}}}}, "x", false,
			"template repository https://git.test/stack at its default branch (commit "},
		{"not in the store", &Remote{Store: store{}, Stack: []Named{{Name: "x"}}}, "x", false, "the template store has no template of that name"},
		{"no store", &Remote{Stack: []Named{{Name: "x"}}}, "x", false, "this installation has no template store"},
	} {
		tc.remote.Fetcher = tr
		_, _, err := prepareRemote(t, Templates{Remote: tc.remote}, map[string]string{}, tc.lang)
		if err == nil || pipeline.IsTransient(err) != tc.transient || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v (transient %v), want transient %v saying %q", tc.name, err, pipeline.IsTransient(err), tc.transient, tc.says)
		}
	}
}
