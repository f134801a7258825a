package buildkit

import (
	"strings"
	"time"

	"github.com/moby/buildkit/client"
)

// exportClock keeps when the solve's export step ran, as buildkitd timed
// it: the image exporter writes the layers, makes the manifest and pushes
// them ("exporting to image", with "pushing layers" and "pushing manifest"
// under it). It is what the pipeline's push stage measures.
type exportClock struct {
	started, completed *time.Time
}

func (c *exportClock) add(v *client.Vertex) {
	if !strings.HasPrefix(v.Name, "exporting to ") {
		return
	}
	if v.Started != nil && (c.started == nil || v.Started.Before(*c.started)) {
		c.started = v.Started
	}
	if v.Completed != nil {
		c.completed = v.Completed
	}
}

// took is how long the export step ran; false when it did not run to
// its end.
func (c *exportClock) took() (time.Duration, bool) {
	if c.started == nil || c.completed == nil || c.completed.Before(*c.started) {
		return 0, false
	}
	return c.completed.Sub(*c.started), true
}
