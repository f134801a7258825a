package template

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// Fetcher fetches template repositories, as faas-cli template pull does:
// a repository holds templates in its template/<lang>/ folders.
//
// Fetch returns a folder holding the tree of repository url at ref (a
// tag, a branch, a commit, "sha-<commit>" as faas-cli pins one, or ""
// for the default branch), and the commit it resolved ref to. The folder
// is shared and must not be written to; it stays as it is while the
// process runs. ev is the build the fetch is for: its clone credentials
// may be sent, to its own forge only. An error names the URL and says
// what git said; it is wrapped in pipeline.Transient when trying again
// may help (the host does not answer, a 5xx) and is the user's when not
// (no such repository or ref). Safe for concurrent use.
type Fetcher interface {
	Fetch(ctx context.Context, ev pipeline.Event, url, ref string) (dir, commit string, err error)
}

// Store finds a template's repository by name in a template store index,
// as faas-cli template store pull does. Lookup returns "" and no error
// when the store has no template of that name; an error means the store
// could not be read (transient when trying again may help). Safe for
// concurrent use.
type Store interface {
	Lookup(ctx context.Context, name string) (repo string, err error)
}

// Repository is a template repository and the ref to fetch, "" for its
// default branch.
type Repository struct {
	URL string
	Ref string
}

// refRe is a tag, branch or commit, as a repository's ref is written
// after "#" or a lang's after "@".
var refRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$`)

// ParseRepository reads a repository as faas-cli writes one,
// "https://github.com/openfaas/templates#1.0.0".
func ParseRepository(s string) (Repository, error) {
	raw, ref, _ := strings.Cut(strings.TrimSpace(s), "#")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Repository{}, fmt.Errorf("template repository %q: not an http(s) URL", s)
	}
	if ref != "" && (!refRe.MatchString(ref) || strings.Contains(ref, "..")) {
		return Repository{}, fmt.Errorf("template repository %q: %q is not a tag, branch or commit", s, ref)
	}
	return Repository{URL: raw, Ref: ref}, nil
}

func (r Repository) String() string {
	if r.Ref == "" {
		return r.URL
	}
	return r.URL + "#" + r.Ref
}

// Named is an entry of the stack file's configuration.templates: the
// template Name from Repository, or from the template store when
// Repository.URL is empty.
type Named struct {
	Name string
	Repository
}

// Remote are the template repositories one build may fetch from. A
// repository is fetched only when a function's template was not found
// before it in the lookup order.
type Remote struct {
	// Fetcher fetches the repositories. Required.
	Fetcher Fetcher
	// Store resolves names to repositories; nil when the installation
	// has no template store.
	Store Store
	// Event is the build the templates are for, whose credentials reach
	// private template repositories on its own forge.
	Event pipeline.Event
	// Stack are the stack file's configuration.templates.
	Stack []Named
	// Installation are the installation's template repositories, tried
	// in order after the stack file's.
	Installation []Repository
}

// copy copies the template lang from the remote sources into outDir:
// for an unpinned lang (ref ""), the stack file's entry of that name,
// else the first installation repository that has it; for a pinned one,
// the repository that offers it (the stack file's entry, an installation
// repository that has it, the store) fetched at ref. found is false when
// no source offers lang.
func (r *Remote) copy(ctx context.Context, lang, ref, outDir string) (Context, bool, error) {
	if r == nil {
		return Context{}, false, nil
	}
	for _, n := range r.Stack {
		if n.Name != lang && (ref == "" || n.Name != lang+"@"+ref) {
			continue
		}
		repo := n.Repository
		if repo.URL == "" {
			var err error
			if repo, err = r.fromStore(ctx, lang); err != nil {
				return Context{}, true, err
			}
			if repo.URL == "" {
				return Context{}, true, r.notInStore(lang)
			}
		}
		if ref != "" {
			repo.Ref = ref
		}
		c, err := r.copyFrom(ctx, repo, lang, outDir, "named in the stack file's configuration.templates", true)
		return c, true, err
	}
	for _, repo := range r.Installation {
		if ref == "" {
			c, err := r.copyFrom(ctx, repo, lang, outDir, "one of the installation's template repositories", false)
			if errors.Is(err, errNoTemplate) {
				continue
			}
			return c, true, err
		}
		// Pinned: the repository that has lang at its own ref has the
		// versions of lang.
		dir, _, err := r.Fetcher.Fetch(ctx, r.Event, repo.URL, repo.Ref)
		if err != nil {
			return Context{}, true, err
		}
		if !hasTemplate(dir, lang) {
			continue
		}
		c, err := r.copyFrom(ctx, Repository{URL: repo.URL, Ref: ref}, lang, outDir, "one of the installation's template repositories", true)
		return c, true, err
	}
	if ref != "" && r.Store != nil {
		repo, err := r.fromStore(ctx, lang)
		if err != nil || repo.URL == "" {
			return Context{}, err != nil, err
		}
		repo.Ref = ref
		c, err := r.copyFrom(ctx, repo, lang, outDir, "found in the template store", true)
		return c, true, err
	}
	return Context{}, false, nil
}

// errNoTemplate is copyFrom's error when the repository has no template
// of the name asked for.
var errNoTemplate = errors.New("no such template")

// copyFrom fetches repo and copies its template lang into outDir. When
// the repository has no such template, the error wraps errNoTemplate and
// says so when must is set (the user named that repository for lang).
func (r *Remote) copyFrom(ctx context.Context, repo Repository, lang, outDir, why string, must bool) (Context, error) {
	dir, commit, err := r.Fetcher.Fetch(ctx, r.Event, repo.URL, repo.Ref)
	if err != nil {
		return Context{}, err
	}
	at := "its default branch"
	if repo.Ref != "" {
		at = repo.Ref
	}
	if !hasTemplate(dir, lang) {
		if !must {
			return Context{}, errNoTemplate
		}
		has := "no templates at all"
		if names := listTemplates(dir); len(names) > 0 {
			has = "only " + strings.Join(names, ", ")
		}
		return Context{}, &noTemplateError{fmt.Sprintf("template repository %s at %s (commit %s) has no template %s/%s/: it has %s", repo.URL, at, commit, RepoDir, lang, has)}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Context{}, pipeline.Transient(fmt.Errorf("template repository %s: %w", repo.URL, err))
	}
	defer root.Close()
	from := fmt.Sprintf("template %s of %s at %s, commit %s, %s", lang, repo.URL, at, commit, why)
	c, _, err := copyFolder(ctx, root.FS(), path.Join(RepoDir, lang), outDir, from)
	return c, err
}

// noTemplateError is a repository the user named for a template that
// does not have it.
type noTemplateError struct{ msg string }

func (e *noTemplateError) Error() string        { return e.msg }
func (e *noTemplateError) Is(target error) bool { return target == errNoTemplate }

// hasTemplate says whether the checkout in dir has template/<lang>/.
func hasTemplate(dir, lang string) bool {
	st, err := os.Stat(path.Join(dir, RepoDir, lang))
	return err == nil && st.IsDir()
}

// fromStore is the store's repository for name, with no URL when the
// store has none or there is no store.
func (r *Remote) fromStore(ctx context.Context, name string) (Repository, error) {
	if r.Store == nil {
		return Repository{}, nil
	}
	u, err := r.Store.Lookup(ctx, name)
	if err != nil || u == "" {
		return Repository{}, err
	}
	repo, err := ParseRepository(u)
	if err != nil {
		// The store's entry, not the user's stack file.
		return Repository{}, pipeline.Transient(fmt.Errorf("template store: %w", err))
	}
	return repo, nil
}

// notInStore is the error of a configuration.templates entry with no
// source whose name the store does not resolve.
func (r *Remote) notInStore(name string) error {
	if r.Store == nil {
		return fmt.Errorf("configuration.templates names %q with no source, and this installation has no template store to find it in: add its source, e.g. source: https://github.com/openfaas/templates", name)
	}
	return fmt.Errorf("configuration.templates names %q with no source, and the template store has no template of that name: add its source", name)
}

// listTemplates names the templates of the checkout in dir.
func listTemplates(dir string) []string {
	entries, err := fs.ReadDir(os.DirFS(dir), RepoDir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && langRe.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names
}

// pinned copies lang pinned at ref into outDir: the repository's
// template/<lang>@<ref>/, where faas-cli template pull leaves a pinned
// template, else lang's template repository fetched at ref (see
// Remote.copy). found is false when nothing offers versions of lang.
func (t Templates) pinned(ctx context.Context, repo fs.FS, lang, ref, outDir string) (Context, bool, error) {
	if !strings.Contains(ref, "/") {
		own := path.Join(RepoDir, lang+"@"+ref)
		if c, found, err := copyFolder(ctx, repo, own, outDir, own+" in the repository"); found || err != nil {
			return c, found, err
		}
	}
	return t.Remote.copy(ctx, lang, ref, outDir)
}
