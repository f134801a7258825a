package buildkit

import (
	"context"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// NoCache asks the Dockerfile frontend to ignore the cache of every
// stage: the attribute is there and empty, which names no stage.
func TestSolveOptNoCache(t *testing.T) {
	spec := pipeline.FunctionSpec{Name: "fn", Image: "127.0.0.1:5000/o/r/fn:abc", ContextDir: t.TempDir()}
	for _, noCache := range []bool{false, true} {
		b := &Builder{cfg: Config{NoCache: noCache}}
		opt, err := b.solveOpt(spec)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := opt.FrontendAttrs["no-cache"]
		if ok != noCache || v != "" {
			t.Errorf("NoCache %v: no-cache attribute = %q, present %v", noCache, v, ok)
		}
		if opt.FrontendAttrs["filename"] != "Dockerfile" {
			t.Errorf("NoCache %v: filename = %q", noCache, opt.FrontendAttrs["filename"])
		}
	}
}

// A build imports its function's registry cache when one is configured
// and there, over plain HTTP when the registry is.
func TestBuildImportsTheRegistryCache(t *testing.T) {
	spec := pipeline.FunctionSpec{Name: "fn", Image: "127.0.0.1:5000/o/r/fn:abc", ContextDir: t.TempDir()}
	there := true
	b := &Builder{cfg: Config{Insecure: true, CacheRef: func(image string) string { return pipeline.RepositoryOf(image) + ":buildcache" },
		CacheExists: func(context.Context, string) bool { return there }}}
	imports := b.cacheImports(context.Background(), spec)
	if len(imports) != 1 || imports[0].Type != "registry" ||
		imports[0].Attrs["ref"] != "127.0.0.1:5000/o/r/fn:buildcache" || imports[0].Attrs["registry.insecure"] != "true" {
		t.Errorf("cache imports = %+v", imports)
	}
	if opt, _ := b.solveOpt(spec); len(opt.CacheExports) != 0 {
		t.Errorf("the build exports its cache on the way to the answer: %+v", opt.CacheExports)
	}
	there = false
	if imports := b.cacheImports(context.Background(), spec); len(imports) != 0 {
		t.Errorf("a cache not there yet is imported: %+v", imports)
	}
	b.cfg.CacheRef = nil
	if imports := b.cacheImports(context.Background(), spec); len(imports) != 0 {
		t.Errorf("no cache configured, yet imports %+v", imports)
	}
}
