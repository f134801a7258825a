package buildkit

import (
	"context"
	"fmt"
	"io"

	"github.com/moby/buildkit/client"
	"golang.org/x/sync/errgroup"

	"github.com/ofcbuild/ofc/pipeline"
)

// cacheRef is where the BuildKit cache of spec's function is kept, "" for
// none.
func (b *Builder) cacheRef(spec pipeline.FunctionSpec) string {
	if b.cfg.CacheRef == nil {
		return ""
	}
	return b.cfg.CacheRef(spec.Image)
}

// cacheAttrs are the attributes of the registry cache at ref.
func (b *Builder) cacheAttrs(ref string) map[string]string {
	attrs := map[string]string{"ref": ref}
	if b.cfg.Insecure {
		attrs["registry.insecure"] = "true"
	}
	return attrs
}

// cacheImports make a solve look for steps it lacks in the function's
// registry cache: a new or wiped buildkitd builds from what any builder
// exported. A cache that is not there yet (a function's first build) is
// not imported: buildkitd would log its absence as an ERROR line in the
// user's build log.
func (b *Builder) cacheImports(ctx context.Context, spec pipeline.FunctionSpec) []client.CacheOptionsEntry {
	ref := b.cacheRef(spec)
	if ref == "" || b.cfg.CacheExists != nil && !b.cfg.CacheExists(ctx, ref) {
		return nil
	}
	return []client.CacheOptionsEntry{{Type: "registry", Attrs: b.cacheAttrs(ref)}}
}

// ExportCache implements pipeline.CacheExporter: spec, built already, is
// solved again, every step a hit in buildkitd's own cache, and all of its
// steps (mode max: the stages before the last too, where dependencies are
// installed) are exported to the function's registry cache. It runs after
// the function is live, off the path from push to answer. Its errors are
// the service's, never the user's.
func (b *Builder) ExportCache(ctx context.Context, spec pipeline.FunctionSpec, log io.Writer) error {
	ref := b.cacheRef(spec)
	if ref == "" {
		return nil
	}
	opt, err := b.solveOpt(spec)
	if err != nil {
		return err
	}
	opt.Exports = nil
	attrs := b.cacheAttrs(ref)
	attrs["mode"] = "max"
	opt.CacheExports = []client.CacheOptionsEntry{{Type: "registry", Attrs: attrs}}
	if err := b.acquire(ctx, log); err != nil {
		return pipeline.Transient(fmt.Errorf("export the cache of %s: wait for a free build slot: %w", spec.Image, err))
	}
	defer b.release()
	ch := make(chan *client.SolveStatus)
	eg, ectx := errgroup.WithContext(ctx)
	eg.Go(func() error {
		_, err := b.c.Solve(ectx, nil, opt, ch)
		return err
	})
	// The steps are hits and their lines say nothing new: drained, not
	// logged.
	eg.Go(func() error {
		for range ch {
		}
		return nil
	})
	if err := eg.Wait(); err != nil {
		return pipeline.Transient(fmt.Errorf("export the cache of %s to %s: %w", spec.Image, ref, err))
	}
	return nil
}
