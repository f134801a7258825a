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

	"github.com/ofcbuild/ofc/pipeline"
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
	// Handler is the folder of Dir the handler was copied into,
	// slash-separated: the template's handler_folder, or "." when the
	// handler is the whole context (lang dockerfile).
	Handler string
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
	return Templates{}.Prepare(ctx, repoDir, lang, handlerDir, outDir)
}

// Templates are the templates offered beyond a repository's own.
type Templates struct {
	// Dir holds the installation's templates, one folder per language as
	// in a repository's template/, offered to every repository: a team's
	// own base images or handler wrappers. A repository's template of the
	// same name wins over it; it wins over a shipped one. "" adds none.
	Dir string
	// Remote are the template repositories of the build, looked up after
	// the repository's own templates and before Dir; nil adds none.
	Remote *Remote
}

// Prepare is the package's Prepare, with the template repositories and
// the installation's templates looked up after the repository's own and
// before the shipped ones. lang may be pinned to a ref of its template
// repository, "golang-middleware@0.9.0" (see Templates.pinned).
func (t Templates) Prepare(ctx context.Context, repoDir, lang, handlerDir, outDir string) (Context, error) {
	lang, ref, pinned := strings.Cut(lang, "@")
	if !langRe.MatchString(lang) {
		return Context{}, fmt.Errorf("%q is not a template name", lang)
	}
	if pinned && (!refRe.MatchString(ref) || strings.Contains(ref, "..")) {
		return Context{}, fmt.Errorf("lang %s@%s: %q is not a tag, branch or commit", lang, ref, ref)
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
		return Context{Dir: outDir, Dockerfile: "Dockerfile", Handler: ".", From: "Dockerfile in the handler"}, nil
	}

	inst, closeInst, err := t.open()
	if err != nil {
		return Context{}, err
	}
	defer closeInst()
	c, err := t.copyTemplate(ctx, repo, inst, lang, ref, outDir)
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
	c.Handler = folder
	return c, nil
}

// open is the installation's templates folder, nil when there is none,
// and what closes it.
func (t Templates) open() (fs.FS, func(), error) {
	if t.Dir == "" {
		return nil, func() {}, nil
	}
	root, err := os.OpenRoot(t.Dir)
	if err != nil {
		// The installation's, not the user's: worth trying again.
		return nil, func() {}, pipeline.Transient(fmt.Errorf("installation templates: %w", err))
	}
	return root.FS(), func() { root.Close() }, nil
}

// copyTemplate copies the template for lang into outDir: the repository's
// own, else one of the template repositories, else the installation's
// (inst, which may be nil), else a shipped one. A lang pinned to ref is
// looked up as Templates.pinned says.
func (t Templates) copyTemplate(ctx context.Context, repo, inst fs.FS, lang, ref, outDir string) (Context, error) {
	if ref != "" {
		c, found, err := t.pinned(ctx, repo, lang, ref, outDir)
		if found || err != nil {
			return c, err
		}
		// No source of versions of lang: the template of that name, and
		// the log says the pin was not followed.
		c, err = copyUnversioned(ctx, repo, inst, lang, outDir)
		if err == nil {
			c.From += fmt.Sprintf(" (lang %s@%s: no template repository offers %s, so the pin is not followed; name one in configuration.templates)", lang, ref, lang)
		}
		return c, err
	}
	own := path.Join(RepoDir, lang)
	c, found, err := copyFolder(ctx, repo, own, outDir, own+" in the repository")
	if found || err != nil {
		return c, err
	}
	if c, found, err := t.Remote.copy(ctx, lang, "", outDir); found || err != nil {
		return c, err
	}
	return copyUnversioned(ctx, repo, inst, lang, outDir)
}

// copyUnversioned copies the template lang from the repository's own,
// the installation's (inst, unless nil) or the shipped ones.
func copyUnversioned(ctx context.Context, repo, inst fs.FS, lang, outDir string) (Context, error) {
	own := path.Join(RepoDir, lang)
	if c, found, err := copyFolder(ctx, repo, own, outDir, own+" in the repository"); found || err != nil {
		return c, err
	}
	if inst != nil {
		c, found, err := copyFolder(ctx, inst, lang, outDir, "installation's template "+lang)
		if found || err != nil {
			return c, err
		}
	}
	from := "shipped template " + lang
	if same, ok := shippedAliases[lang]; ok {
		from = fmt.Sprintf("shipped template %s (for %s)", same, lang)
		lang = same
	}
	if _, err := fs.Stat(shipped, path.Join(shippedDir, lang)); err != nil || !langRe.MatchString(lang) {
		return Context{}, unknown(lang, available(repo, inst))
	}
	if err := copyShipped(ctx, lang, outDir); err != nil {
		return Context{}, err
	}
	return Context{Dir: outDir, Dockerfile: "Dockerfile", From: from}, nil
}

// shippedAliases are OpenFaaS's Debian variants of templates whose shipped
// version is built on Debian already: the same contract, the same image.
var shippedAliases = map[string]string{
	"python3-http-debian":  "python3-http",
	"python3-flask-debian": "python3-flask",
	"python3-debian":       "python3",
}

// copyFolder copies the template folder dir of fsys into outDir when it
// exists (found); what names it in the log and in errors.
func copyFolder(ctx context.Context, fsys fs.FS, dir, outDir, what string) (c Context, found bool, err error) {
	st, err := fs.Stat(fsys, dir)
	switch {
	case err == nil && st.IsDir():
		cp := &copier{fsys: fsys, what: "template " + dir}
		if err := cp.copyTree(ctx, dir, outDir); err != nil {
			return Context{}, true, err
		}
		if p := problem(os.DirFS(outDir), "Dockerfile", false); p != "" {
			return Context{}, true, fmt.Errorf("%s has no Dockerfile", what)
		}
		return Context{Dir: outDir, Dockerfile: "Dockerfile", From: what}, true, nil
	case escapes(err):
		return Context{}, true, fmt.Errorf("%s leads outside its folder through a symbolic link", what)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return Context{}, true, fmt.Errorf("%s: %w", what, err)
	}
	return Context{}, false, nil
}

// Available lists the languages a repository can use: "dockerfile", its
// own templates, the installation's and the shipped ones, sorted.
func (t Templates) Available(repoDir string) []string {
	inst, closeInst, _ := t.open()
	defer closeInst()
	root, err := os.OpenRoot(repoDir)
	if err != nil {
		return available(nil, inst)
	}
	defer root.Close()
	return available(root.FS(), inst)
}

func available(repo, inst fs.FS) []string {
	langs := []string{Dockerfile}
	if entries, err := fs.ReadDir(shipped, shippedDir); err == nil {
		for _, e := range entries {
			// Folders not named as a language hold what templates share.
			if langRe.MatchString(e.Name()) {
				langs = append(langs, e.Name())
			}
		}
	}
	for _, dir := range []struct {
		fsys fs.FS
		name string
	}{{repo, RepoDir}, {inst, "."}} {
		if dir.fsys == nil {
			continue
		}
		if entries, err := fs.ReadDir(dir.fsys, dir.name); err == nil {
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
