package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ofcbuild/ofc/buildkit"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
	"github.com/ofcbuild/ofc/registry"
)

// The repository every measured function is pushed from: its images go
// to <registry>/ofc-bench/templates/<template>, one tag per build, as a
// function's images go to one repository, one tag per commit.
const (
	owner     = "ofc-bench"
	repoName  = "templates"
	handler   = "fn"
	stackFile = "version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  %s:\n    lang: %s\n    handler: ./" + handler + "\n"
)

// bench builds the functions one at a time, as one builder slot would.
type bench struct {
	opts    options
	e       env
	planner *plan.Planner
	// cold ignores BuildKit's layer cache; warm is the builder's own.
	cold, warm *buildkit.Builder
	reg        *registry.Registry
	// nonce keeps this run's handlers apart from every earlier run's,
	// whose layers BuildKit may still have cached.
	nonce string
	dir   string
	// pushed are the images the builds pushed, for cleanup.
	pushed []string
}

// build is one timed build of a function: planning (the stack file read,
// the template copied with the handler into a build context), then the
// solve and push.
type build struct {
	plan, total time.Duration
	steps       []step
	image       string
	// base is the image the function's image starts FROM.
	base string
}

// result is one template's builds over the runs and its image's weight.
type result struct {
	lang                string
	cold, rebuild, noop []build
	base                string
	image, baseWeight   weight
	// sharesBase is true when the image's first layers are the base's.
	sharesBase bool
	err        error
}

func newBench(ctx context.Context, e env, o options) (*bench, error) {
	reg, err := registry.New(registry.Config{Host: e.registry, Insecure: true})
	if err != nil {
		return nil, err
	}
	var raw [4]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	dir, err := os.MkdirTemp("", "bench-templates-")
	if err != nil {
		return nil, err
	}
	b := &bench{opts: o, e: e, reg: reg, nonce: hex.EncodeToString(raw[:]), dir: dir,
		planner: plan.New(plan.Config{ImageRef: reg.Ref, Watchdogs: e.watchdogs, BuildArgs: e.buildArgs})}
	cfg := buildkit.Config{Addr: e.buildkit, Insecure: true, CABundle: e.caBundle}
	if b.warm, err = buildkit.New(ctx, cfg); err == nil {
		cfg.NoCache = true
		b.cold, err = buildkit.New(ctx, cfg)
	}
	if err == nil {
		err = b.warm.Ping(ctx)
	}
	if err != nil {
		b.close(ctx)
		return nil, err
	}
	return b, nil
}

// measure builds each template once untimed, then makes the runs, each
// template in turn within a run; a template that fails is left out of the
// runs after its failure.
func (b *bench) measure(ctx context.Context) []result {
	results := make([]result, len(b.opts.langs))
	for i, lang := range b.opts.langs {
		results[i].lang = lang
		// The warm-up, a build without the layer cache too, unpacks the
		// base images in BuildKit's store and fills the package managers'
		// cache mounts, so that every measured cold build starts from the
		// same state: that of a builder which has built before.
		warmUp := b.nonce + "-warm-up"
		if _, err := b.buildVersion(ctx, b.cold, lang, "version "+warmUp, warmUp); err != nil {
			results[i].err = fmt.Errorf("warm-up build: %w", err)
		}
	}
	for run := 1; run <= b.opts.runs && ctx.Err() == nil; run++ {
		for i := range results {
			r := &results[i]
			if r.err != nil || ctx.Err() != nil {
				continue
			}
			if err := b.once(ctx, r, run); err != nil {
				r.err = fmt.Errorf("run %d: %w", run, err)
			}
		}
	}
	for i := range results {
		if r := &results[i]; r.err == nil && len(r.rebuild) > 0 && ctx.Err() == nil {
			r.err = b.weigh(ctx, r)
		}
	}
	return results
}

// once makes one run of a template: the first build of a new version
// without BuildKit's layer cache, a rebuild after a one-line change, and
// a rebuild with no change at all.
func (b *bench) once(ctx context.Context, r *result, run int) error {
	first := fmt.Sprintf("version %s-%d", b.nonce, run)
	cold, err := b.buildVersion(ctx, b.cold, r.lang, first, fmt.Sprintf("%s-%d-cold", b.nonce, run))
	if err != nil {
		return fmt.Errorf("cold build: %w", err)
	}
	changed := first + " (changed)"
	rebuild, err := b.buildVersion(ctx, b.warm, r.lang, changed, fmt.Sprintf("%s-%d-changed", b.nonce, run))
	if err != nil {
		return fmt.Errorf("rebuild after a one-line change: %w", err)
	}
	noop, err := b.buildVersion(ctx, b.warm, r.lang, changed, fmt.Sprintf("%s-%d-same", b.nonce, run))
	if err != nil {
		return fmt.Errorf("rebuild with no change: %w", err)
	}
	r.cold, r.rebuild, r.noop = append(r.cold, cold), append(r.rebuild, rebuild), append(r.noop, noop)
	r.base = cold.base
	fmt.Fprintf(os.Stderr, "run %d %-17s cold %6.1fs  one-line change %5.1fs  no change %5.1fs\n", run, r.lang,
		cold.total.Seconds(), rebuild.total.Seconds(), noop.total.Seconds())
	return nil
}

// buildVersion writes the repository with the template's handler at
// version, and plans and builds it as the commit.
func (b *bench) buildVersion(ctx context.Context, bk *buildkit.Builder, lang, version, commit string) (build, error) {
	repo := filepath.Join(b.dir, "repo-"+lang)
	files := map[string]string{"stack.yml": fmt.Sprintf(stackFile, lang, lang)}
	for name, content := range functionOf(lang).files(version) {
		files[filepath.Join(handler, name)] = content
	}
	for name, content := range files {
		path := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return build{}, err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return build{}, err
		}
	}
	return b.buildCommit(ctx, bk, repo, commit)
}

// buildCommit times planning and building the repository's one function.
func (b *bench) buildCommit(ctx context.Context, bk *buildkit.Builder, repo, commit string) (build, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.buildTimeout)
	defer cancel()
	work, err := os.MkdirTemp(b.dir, "work-")
	if err != nil {
		return build{}, err
	}
	defer os.RemoveAll(work)
	ev := pipeline.Event{Kind: pipeline.Push, Ref: "refs/heads/main", Branch: "main", Commit: commit,
		Repo: pipeline.Repo{Provider: pipeline.GitHub, Owner: owner, Name: repoName, DefaultBranch: "main"}}

	start := time.Now()
	specs, err := specsOf(b.planner.Plan(ctx, ev, repo, work))
	planned := time.Since(start)
	if err != nil {
		return build{}, err
	}
	if len(specs) != 1 || specs[0].Problem != "" {
		return build{}, fmt.Errorf("plan: %+v", specs)
	}
	spec := specs[0]
	var log bytes.Buffer
	b.pushed = append(b.pushed, spec.Image)
	_, err = bk.Build(ctx, spec, &log)
	total := time.Since(start)
	if err != nil {
		// The whole log, for whoever owns the template.
		fmt.Fprintf(os.Stderr, "build of %s failed; its log:\n%s\n", spec.Image, log.String())
		return build{}, err
	}
	df, err := os.ReadFile(filepath.Join(spec.ContextDir, spec.Dockerfile))
	if err != nil {
		return build{}, err
	}
	base, err := shipBase(df, spec.BuildArgs)
	if err != nil {
		return build{}, fmt.Errorf("%s: %w", spec.Dockerfile, err)
	}
	return build{plan: planned, total: total, steps: steps(log.String()), image: spec.Image, base: base}, nil
}

// weigh reads the sizes of the template's last image and of its base.
func (b *bench) weigh(ctx context.Context, r *result) error {
	img, err := weigh(ctx, r.rebuild[len(r.rebuild)-1].image)
	if err != nil {
		return err
	}
	ref, err := mirrored(r.base, b.e.registry)
	if err != nil {
		return err
	}
	base, err := weigh(ctx, ref)
	if err != nil {
		return err
	}
	r.image, r.baseWeight, r.sharesBase = img, base, sharesBase(img, base)
	return nil
}

// close deletes what the builds pushed and the temporary files.
func (b *bench) close(ctx context.Context) error {
	var errs []error
	seen := map[string]bool{}
	for _, ref := range b.pushed {
		if !seen[ref] {
			seen[ref] = true
			errs = append(errs, b.reg.Delete(ctx, ref))
		}
	}
	for _, bk := range []*buildkit.Builder{b.cold, b.warm} {
		if bk != nil {
			_ = bk.Close()
		}
	}
	errs = append(errs, os.RemoveAll(b.dir))
	return errors.Join(errs...)
}

// specsOf is the functions of a Plan call's result.
func specsOf(pl pipeline.Plan, err error) ([]pipeline.FunctionSpec, error) { return pl.Functions, err }
