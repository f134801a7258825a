package buildkit

import (
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
