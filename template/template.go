// Package template turns a function's handler into a build context, as
// faas-cli build does: the language template's files, with the handler
// copied into the template's function folder. Templates come from the
// repository's own template/<lang>/ first, then from those shipped with
// the service, which build offline.
package template

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Dockerfile is the language whose build context is the handler folder
// itself, built with the Dockerfile found there.
const Dockerfile = "dockerfile"

// RepoDir is the folder of a repository that holds its own templates, one
// folder per language, as faas-cli template pull leaves them.
const RepoDir = "template"

// shipped holds the templates the service offers to every repository. The
// go tool will not embed a folder holding a go.mod (it is another module),
// so a shipped go.mod is stored as go.mod.txt and renamed when copied.
//
//go:embed all:_templates
var shipped embed.FS

const shippedDir = "_templates"

var shippedRename = map[string]string{"go.mod.txt": "go.mod"}

// langRe keeps a language a single folder name.
var langRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Context is a prepared build context.
type Context struct {
	// Dir is the build context folder.
	Dir string
	// Dockerfile is the Dockerfile's path relative to Dir.
	Dockerfile string
	// FProcess is the template's fprocess, when its template.yml has one.
	FProcess string
	// BuildOptions are the template's named sets of packages, which a
	// function selects with build_options.
	BuildOptions map[string][]string
	// From says where the template came from, for the build log:
	// "template/go in the repository", "shipped template go", or
	// "Dockerfile in the handler".
	From string
}

// Prepare builds the context of a function written in lang whose handler
// is handlerDir (slash-separated, relative to repoDir) in outDir, which
// must not exist or be empty. For lang "dockerfile" the context is a copy
// of the handler folder; otherwise it is the template with the handler
// copied into its function folder (handler_folder in template.yml).
//
// Symbolic links are followed only while they stay in repoDir. Errors are
// the user's (unknown template, missing Dockerfile, a link out of the
// repository) unless outDir cannot be written.
func Prepare(ctx context.Context, repoDir, lang, handlerDir, outDir string) (Context, error) {
	if !langRe.MatchString(lang) {
		return Context{}, fmt.Errorf("%q is not a template name", lang)
	}
	if strings.EqualFold(lang, Dockerfile) {
		lang = Dockerfile
	}
	handler := path.Clean(handlerDir)
	if !fs.ValidPath(handler) {
		return Context{}, fmt.Errorf("handler %q is outside the repository", handlerDir)
	}
	if err := emptyDir(outDir); err != nil {
		return Context{}, err
	}
	root, err := os.OpenRoot(repoDir)
	if err != nil {
		return Context{}, fmt.Errorf("open repository: %w", err)
	}
	defer root.Close()
	repo := root.FS()

	handlerCopy := &copier{
		fsys: repo, what: fmt.Sprintf("handler %q", handlerDir),
		// faas-cli leaves these out of the function: they are its own
		// output and templates when the handler is the repository root.
		skipTop: map[string]bool{"build": true, RepoDir: true, ".git": true},
	}

	if p := problem(repo, handler, true); p != "" {
		return Context{}, fmt.Errorf("handler %q %s", handlerDir, p)
	}
	if lang == Dockerfile {
		switch p := problem(repo, path.Join(handler, "Dockerfile"), false); p {
		case "":
		case "does not exist":
			return Context{}, fmt.Errorf("handler %q has no Dockerfile: lang %q builds the Dockerfile in the handler folder", handlerDir, lang)
		default:
			return Context{}, fmt.Errorf("handler %q: Dockerfile %s", handlerDir, p)
		}
		if err := handlerCopy.copyTree(ctx, handler, outDir); err != nil {
			return Context{}, err
		}
		return Context{Dir: outDir, Dockerfile: "Dockerfile", From: "Dockerfile in the handler"}, nil
	}

	c, err := copyTemplate(ctx, repo, lang, outDir)
	if err != nil {
		return Context{}, err
	}
	meta, err := readMeta(filepath.Join(outDir, "template.yml"))
	if err != nil {
		return Context{}, fmt.Errorf("template %q: %w", lang, err)
	}
	c.FProcess, c.BuildOptions = meta.FProcess, meta.buildOptions()
	folder := "function"
	if meta.HandlerFolder != "" {
		folder = path.Clean(meta.HandlerFolder)
		if !fs.ValidPath(folder) || folder == "." {
			return Context{}, fmt.Errorf("template %q: handler_folder %q is not a folder inside the template", lang, meta.HandlerFolder)
		}
	}
	if err := handlerCopy.copyTree(ctx, handler, filepath.Join(outDir, filepath.FromSlash(folder))); err != nil {
		return Context{}, err
	}
	return c, nil
}

// copyTemplate copies the template for lang into outDir, the repository's
// own before a shipped one.
func copyTemplate(ctx context.Context, repo fs.FS, lang, outDir string) (Context, error) {
	own := path.Join(RepoDir, lang)
	st, err := fs.Stat(repo, own)
	switch {
	case err == nil && st.IsDir():
		cp := &copier{fsys: repo, what: "template " + own}
		if err := cp.copyTree(ctx, own, outDir); err != nil {
			return Context{}, err
		}
		if p := problem(os.DirFS(outDir), "Dockerfile", false); p != "" {
			return Context{}, fmt.Errorf("template %s has no Dockerfile", own)
		}
		return Context{Dir: outDir, Dockerfile: "Dockerfile", From: own + " in the repository"}, nil
	case escapes(err):
		return Context{}, fmt.Errorf("template %s leads outside the repository through a symbolic link", own)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return Context{}, fmt.Errorf("template %s: %w", own, err)
	}

	if _, err := fs.Stat(shipped, path.Join(shippedDir, lang)); err != nil || !langRe.MatchString(lang) {
		return Context{}, unknown(lang, available(repo))
	}
	if err := copyShipped(ctx, lang, outDir); err != nil {
		return Context{}, err
	}
	return Context{Dir: outDir, Dockerfile: "Dockerfile", From: "shipped template " + lang}, nil
}

// Available lists the languages a repository can use: "dockerfile", its
// own templates and the shipped ones, sorted.
func Available(repoDir string) []string {
	root, err := os.OpenRoot(repoDir)
	if err != nil {
		return available(nil)
	}
	defer root.Close()
	return available(root.FS())
}

func available(repo fs.FS) []string {
	langs := []string{Dockerfile}
	if entries, err := fs.ReadDir(shipped, shippedDir); err == nil {
		for _, e := range entries {
			// Folders not named as a language hold what templates share.
			if langRe.MatchString(e.Name()) {
				langs = append(langs, e.Name())
			}
		}
	}
	if repo != nil {
		if entries, err := fs.ReadDir(repo, RepoDir); err == nil {
			for _, e := range entries {
				if e.IsDir() && langRe.MatchString(e.Name()) {
					langs = append(langs, e.Name())
				}
			}
		}
	}
	slices.Sort(langs)
	return slices.Compact(langs)
}

// meta is the part of a template's template.yml the build uses.
type meta struct {
	Language      string `yaml:"language"`
	FProcess      string `yaml:"fprocess"`
	HandlerFolder string `yaml:"handler_folder"`
	// Include names folders of _templates/_include copied into a shipped
	// template's context, so that templates share files, not copies.
	Include      []string `yaml:"ofc_include"`
	BuildOptions []struct {
		Name     string   `yaml:"name"`
		Packages []string `yaml:"packages"`
	} `yaml:"build_options"`
}

func (m meta) buildOptions() map[string][]string {
	if len(m.BuildOptions) == 0 {
		return nil
	}
	opts := make(map[string][]string, len(m.BuildOptions))
	for _, o := range m.BuildOptions {
		opts[o.Name] = append(opts[o.Name], o.Packages...)
	}
	return opts
}

// readMeta reads template.yml leniently, as faas-cli does: templates carry
// fields this service has no use for. A template without one is fine.
func readMeta(file string) (meta, error) {
	var m meta
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("template.yml: %w", err)
	}
	return m, nil
}

// problem says what keeps name from being a folder (dir) or a file in
// fsys, or "" when nothing does.
func problem(fsys fs.FS, name string, dir bool) string {
	st, err := fs.Stat(fsys, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case escapes(err):
		return "leads outside the repository through a symbolic link"
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "cannot be read: " + err.Error()
	case dir && !st.IsDir():
		return "is not a folder"
	case !dir && !st.Mode().IsRegular():
		return "is not a file"
	}
	return ""
}

// emptyDir makes sure dir exists and holds nothing, so that a context is
// never mixed with an earlier one.
func emptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("build context folder %s is not empty", dir)
	}
	return nil
}
