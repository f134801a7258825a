package buildkit

import (
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

// The push is timed as the export step's own start and end, as buildkitd
// reported them, across the status updates that carry them.
func TestStepsTimeTheExport(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := t0.Add(d); return &x }
	st := newSteps()
	if _, ok := st.export.took(); ok {
		t.Fatal("an export is timed before it ran")
	}
	st.add(&client.SolveStatus{Vertexes: []*client.Vertex{
		{Digest: "sha256:run", Name: "[2/2] RUN go build", Started: at(0), Completed: at(3 * time.Second)},
		{Digest: "sha256:exp", Name: "exporting to image", Started: at(3 * time.Second)},
	}})
	if _, ok := st.export.took(); ok {
		t.Error("an export still running is timed")
	}
	st.add(&client.SolveStatus{Vertexes: []*client.Vertex{
		{Digest: "sha256:exp", Name: "exporting to image", Started: at(3 * time.Second), Completed: at(3500 * time.Millisecond)},
	}})
	if d, ok := st.export.took(); !ok || d != 500*time.Millisecond {
		t.Errorf("export took %v %v, want 500ms", d, ok)
	}
}
