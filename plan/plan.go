// Package plan turns a fetched repository into the functions a build
// makes: it reads the stack file, prepares every function's build context
// from its template, and names its image and deployment.
package plan

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/stack"
	"github.com/ofcbuild/ofc/template"
)

// AdditionalPackageArg is the build argument faas-cli templates read the
// packages of a function's build_options from.
const AdditionalPackageArg = "ADDITIONAL_PACKAGE"

// Config configures a Planner.
type Config struct {
	// ImageRef names the immutable tag a function's image is pushed to;
	// the registry adapter owns that naming (registry.Registry.Ref).
	// Required.
	ImageRef func(owner, repo, function, commit string) string
	// StackFile is the stack file's path in the repository; default
	// "stack.yml", with "stack.yaml" accepted in its place.
	StackFile string
	// StackFiles names another stack file for some repositories, keyed by
	// "owner/repo" (any case): teams keep several, such as mobile.yml.
	StackFiles map[string]string
	// Lookup gives the variables ${NAME} in the stack file stands for. Nil
	// leaves them all unset (empty, or their ${NAME:-default}).
	Lookup func(name string) (string, bool)
	// BuildArgs are the installation's build arguments, such as the
	// package registries (NPM_CONFIG_REGISTRY, PIP_INDEX_URL, GOPROXY);
	// a function's own build_args win over them.
	BuildArgs map[string]string
	// TemplatesDir holds the installation's own templates, one folder per
	// language, offered to every repository after its own; "" for none.
	TemplatesDir string
	// TemplateFetcher fetches template repositories: those of the stack
	// file's configuration.templates, TemplateRepos, and the store's.
	// Nil fetches none, and those sources are not looked at.
	TemplateFetcher template.Fetcher
	// TemplateStore finds the repository of a template named without
	// one, in configuration.templates or pinned (lang: name@ref); nil
	// when the installation has no template store.
	TemplateStore template.Store
	// TemplateRepos are the installation's template repositories, looked
	// up in order after the stack file's and before TemplatesDir.
	TemplateRepos []template.Repository
	// Watchdogs are folders holding the service's watchdog binary
	// (fwatchdog at their root), keyed by kind (template.OfWatchdog,
	// template.ClassicWatchdog). A Dockerfile stage FROM one of
	// OpenFaaS's watchdog images gets the folder of its kind instead.
	Watchdogs map[string]string
	// FunctionsGatewayURL is the gateway's address as functions reach it,
	// given to each as OFC_GATEWAY_URL; "" gives none.
	FunctionsGatewayURL string
	// PlainNames deploys production functions under their stack-file
	// names, as faas-cli does, rather than names that say their
	// repository. Previews keep names of their own.
	PlainNames bool
}

// Planner plans builds; it implements pipeline.Planner. Safe for
// concurrent use.
type Planner struct {
	cfg   Config
	trees treeSums
}

var _ pipeline.Planner = (*Planner)(nil)

// New returns a Planner.
func New(cfg Config) *Planner {
	if cfg.StackFile == "" {
		cfg.StackFile = stack.DefaultFile
	}
	return &Planner{cfg: cfg}
}

// Plan reads the stack file of the tree in srcDir and prepares each
// function's build context in workDir/<function>. The specs are sorted by
// function name. A function that cannot be built has its Problem set, as
// the user should read it (`stack.yml: function "api": handler "./nope"
// does not exist`), and planning goes on with the others. An error is the
// user's stack file's, except that one wrapped in pipeline.Transient
// means the build was cut short (ctx ended) and may be tried again.
func (p *Planner) Plan(ctx context.Context, ev pipeline.Event, srcDir, workDir string) (pipeline.Plan, error) {
	if p.cfg.ImageRef == nil {
		return pipeline.Plan{}, errors.New("plan: no registry configured")
	}
	if ev.Commit == "" {
		return pipeline.Plan{}, fmt.Errorf("plan %s: the event names no commit", ev.Repo.FullName())
	}
	s, err := stack.LoadDir(ctx, srcDir, p.stackFile(ev.Repo), p.cfg.Lookup)
	if err != nil {
		return pipeline.Plan{}, interrupted(ctx, err)
	}
	specs, err := p.functions(ctx, ev, s, srcDir, workDir)
	if err != nil {
		return pipeline.Plan{}, err
	}
	warnings := make([]string, len(s.Warnings))
	for i, w := range s.Warnings {
		warnings[i] = w.String()
	}
	if p.cfg.PlainNames {
		plainNames(specs, ev)
	}
	namespaced(specs, s)
	warnings = append(warnings, addSiblings(specs, p.cfg.FunctionsGatewayURL, s.File)...)
	return pipeline.Plan{Functions: specs, Warnings: warnings}, nil
}

// functions plans each of s's functions, in the order of their names.
func (p *Planner) functions(ctx context.Context, ev pipeline.Event, s *stack.Stack, srcDir, workDir string) ([]pipeline.FunctionSpec, error) {
	specs := make([]pipeline.FunctionSpec, 0, len(s.Functions))
	for _, name := range s.Names() {
		fn := s.Functions[name]
		if fn.Prebuilt {
			specs = append(specs, prebuilt(ev, fn))
			continue
		}
		spec, err := p.function(ctx, ev, s, fn, srcDir, workDir)
		if ctx.Err() != nil && err != nil {
			return nil, interrupted(ctx, err)
		}
		if pipeline.IsTransient(err) {
			// A template repository or store that did not answer: the
			// build is tried again later, as when BuildKit does not.
			return nil, err
		}
		if err != nil {
			spec = pipeline.FunctionSpec{
				Name:       fn.Name,
				DeployName: DeployName(ev.Repo.Owner, ev.Repo.Name, ev.PreviewBranch(), fn.Name),
				Lang:       fn.Lang,
				Image:      p.cfg.ImageRef(ev.Repo.Owner, ev.Repo.Name, fn.Name, ev.Commit),
				Problem:    err.Error(),
			}
		}
		specs = append(specs, spec)
	}
	return specs, nil
}

func (p *Planner) function(ctx context.Context, ev pipeline.Event, s *stack.Stack, fn stack.Function, srcDir, workDir string) (pipeline.FunctionSpec, error) {
	fail := func(err error) error { return fmt.Errorf("%s: function %q: %w", s.File, fn.Name, err) }

	// Template errors quote the handler as the stack file has it when the
	// stack file is at the root, where the two paths mean the same.
	handler := fn.Handler
	if s.Dir != "." {
		handler = s.Path(fn.Handler)
	}
	lang := fn.Lang
	if fn.LangRef != "" {
		lang += "@" + fn.LangRef
	}
	tm := template.Templates{Dir: p.cfg.TemplatesDir, Remote: p.remote(ev, s)}
	c, err := tm.Prepare(ctx, srcDir, lang, handler, filepath.Join(workDir, fn.Name))
	if err != nil {
		return pipeline.FunctionSpec{}, fail(err)
	}
	if err := copyExtra(ctx, s, srcDir, c); err != nil {
		return pipeline.FunctionSpec{}, fail(err)
	}
	args, err := buildArgs(fn, c, p.cfg.BuildArgs)
	if err != nil {
		return pipeline.FunctionSpec{}, fail(err)
	}
	named, err := p.watchdogs(c, args)
	if err != nil {
		return pipeline.FunctionSpec{}, fail(err)
	}
	image := p.cfg.ImageRef(ev.Repo.Owner, ev.Repo.Name, fn.Name, ev.Commit)
	fprocess := c.FProcess
	if fn.FProcess != "" {
		fprocess = fn.FProcess
	}
	var aliases []string
	if ev.Kind == pipeline.Tag {
		// The release's image under the release's name, for whoever
		// deploys it.
		aliases = []string{p.cfg.ImageRef(ev.Repo.Owner, ev.Repo.Name, fn.Name, ev.Tag)}
	}
	spec := pipeline.FunctionSpec{
		Aliases:       aliases,
		Name:          fn.Name,
		DeployName:    DeployName(ev.Repo.Owner, ev.Repo.Name, ev.PreviewBranch(), fn.Name),
		Lang:          fn.Lang,
		TemplateFrom:  c.From,
		ContextDir:    c.Dir,
		Dockerfile:    c.Dockerfile,
		BuildArgs:     args,
		NamedContexts: named,
		// Only the ids: the values are the service's, not the
		// repository's, and the paths faas-cli reads them from exist on
		// a developer's machine.
		BuildSecrets: slices.Sorted(maps.Keys(fn.BuildSecrets)),
		Image:        image,
		Deployment:   deployment(fn, ev, fprocess),
	}
	if spec.ContentHash, err = p.contentHash(ctx, spec); err != nil {
		return pipeline.FunctionSpec{}, pipeline.Transient(err)
	}
	return spec, nil
}

// deployment is what the gateway is asked to run for fn, with fprocess
// as its fprocess.
func deployment(fn stack.Function, ev pipeline.Event, fprocess string) pipeline.Deployment {
	return pipeline.Deployment{
		EnvVars:                maps.Clone(fn.Environment),
		Secrets:                slices.Clone(fn.Secrets),
		Labels:                 withOrigin(fn.Labels, ev, pipeline.LabelValue),
		Annotations:            withOrigin(fn.Annotations, ev, func(s string) string { return s }),
		Constraints:            slices.Clone(fn.Constraints),
		Limits:                 resources(fn.Limits),
		Requests:               resources(fn.Requests),
		ReadOnlyRootFilesystem: fn.ReadOnlyRootFilesystem,
		EnvProcess:             fprocess,
	}
}

// withOrigin is m plus the keys that say where a deployment comes from:
// owner, repository, branch, commit, pull request, preview or not, each
// value passed through value. The origin keys win over the stack file's.
func withOrigin(m map[string]string, ev pipeline.Event, value func(string) string) map[string]string {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]string{}
	}
	out[pipeline.LabelOwner] = value(ev.Repo.Owner)
	out[pipeline.LabelRepo] = value(ev.Repo.Name)
	out[pipeline.LabelBranch] = value(ev.Branch)
	out[pipeline.LabelCommit] = value(ev.Commit)
	out[pipeline.LabelPreview] = strconv.FormatBool(ev.PreviewBranch() != "")
	if ev.PullRequest > 0 {
		out[pipeline.LabelPullRequest] = strconv.Itoa(ev.PullRequest)
	}
	return out
}

// buildArgs is the installation's build arguments overlaid with the
// function's build_args plus, as faas-cli passes them, the packages of its
// build_options in ADDITIONAL_PACKAGE.
func buildArgs(fn stack.Function, c template.Context, installation map[string]string) (map[string]string, error) {
	var args map[string]string
	if len(installation)+len(fn.BuildArgs) > 0 {
		args = maps.Clone(installation)
		if args == nil {
			args = map[string]string{}
		}
		maps.Copy(args, fn.BuildArgs)
	}
	if len(fn.BuildOptions) == 0 {
		return args, nil
	}
	var pkgs []string
	if extra := args[AdditionalPackageArg]; extra != "" {
		pkgs = strings.Fields(extra)
	}
	for _, opt := range fn.BuildOptions {
		p, ok := c.BuildOptions[opt]
		if !ok {
			offered := slices.Sorted(maps.Keys(c.BuildOptions))
			if len(offered) == 0 {
				return nil, fmt.Errorf("build option %q: template %q offers no build options", opt, fn.Lang)
			}
			return nil, fmt.Errorf("build option %q: template %q offers %s", opt, fn.Lang, strings.Join(offered, ", "))
		}
		pkgs = append(pkgs, p...)
	}
	// Sorted and once each, as faas-cli passes them: the same selection
	// gives the same build argument, and so the same cache.
	slices.Sort(pkgs)
	pkgs = slices.Compact(pkgs)
	if args == nil {
		args = map[string]string{}
	}
	args[AdditionalPackageArg] = strings.Join(pkgs, " ")
	return args, nil
}

func resources(r *stack.Resources) *pipeline.Resources {
	if r == nil || (r.Memory == "" && r.CPU == "") {
		return nil
	}
	return &pipeline.Resources{Memory: r.Memory, CPU: r.CPU}
}

// interrupted marks err as worth retrying when it comes from ctx ending:
// the build did not fail, it was stopped.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return pipeline.Transient(err)
	}
	return err
}

// stackFile is the stack file configured for repo.
func (p *Planner) stackFile(repo pipeline.Repo) string {
	for k, v := range p.cfg.StackFiles {
		if strings.EqualFold(k, repo.FullName()) {
			return v
		}
	}
	return p.cfg.StackFile
}
