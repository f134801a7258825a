package janitor

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// A stale preview's branch may have deployed an image the service did
// not build (an image-only function's, named by digest in the records):
// the job removes the preview and prunes the branch's own images, never
// that one, even when it lives in the service's registry.
func TestStalePreviewsNeverPruneAPrebuiltImage(t *testing.T) {
	c, p, g := newClaims(), deployments(), &gateway{}
	own := p.images["feature/x"]
	p.images["feature/x"] = append(own[:len(own):len(own)],
		pipeline.PrunableImage{Image: "reg/tools/nodeinfo:latest@sha256:9", Digest: "sha256:9"})
	j := newJanitor(t, "builder-0", c, p, g, "@hourly")
	j.runOnce(context.Background(), JobStalePreviews, now.Add(500*time.Millisecond), j.removeStale)

	removed, pruned := g.calls()
	if len(removed) != 2 {
		t.Fatalf("removed %v, want feature/x's two previews", removed)
	}
	if !reflect.DeepEqual(pruned, own) {
		t.Errorf("pruned %v, want the service's own images %v alone", pruned, own)
	}
}
