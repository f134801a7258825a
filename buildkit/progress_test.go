package buildkit

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

// solveStream is a solve's status stream as buildkitd sends it for a
// Dockerfile whose go build fails after a cached step.
func solveStream() []*client.SolveStatus {
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := t0.Add(d); return &t }
	load := &client.Vertex{Digest: "sha256:1", Name: "[internal] load build definition from Dockerfile", Started: at(0)}
	cached := &client.Vertex{Digest: "sha256:2", Name: "[build 1/2] COPY handler.go .", Started: at(time.Second), Cached: true}
	build := &client.Vertex{Digest: "sha256:3", Name: "[build 2/2] RUN go build -o /handler .", Started: at(2 * time.Second)}
	done := func(v client.Vertex, at *time.Time, errMsg string) *client.Vertex {
		v.Completed, v.Error = at, errMsg
		return &v
	}
	return []*client.SolveStatus{
		{Vertexes: []*client.Vertex{load}},
		{Vertexes: []*client.Vertex{done(*load, at(500*time.Millisecond), "")}},
		{Vertexes: []*client.Vertex{cached}},
		{Vertexes: []*client.Vertex{done(*cached, at(time.Second), "")}},
		{Vertexes: []*client.Vertex{build}},
		{Logs: []*client.VertexLog{
			{Vertex: build.Digest, Stream: 1, Data: []byte("go: downloading nothing\n"), Timestamp: *at(3 * time.Second)},
			{Vertex: build.Digest, Stream: 2, Data: []byte("# handler\n./handler.go:7:2: undefined: foo\n"), Timestamp: *at(4 * time.Second)},
		}},
		{Vertexes: []*client.Vertex{done(*build, at(5*time.Second),
			`process "/bin/sh -c go build -o /handler ." did not complete successfully: exit code: 1`)}},
	}
}

func TestFollowWritesPlainProgress(t *testing.T) {
	ch := make(chan *client.SolveStatus)
	go func() {
		defer close(ch)
		for _, ss := range solveStream() {
			ch <- ss
		}
	}()
	var out bytes.Buffer
	st := newSteps()
	if err := follow(context.Background(), ch, &out, st); err != nil {
		t.Fatal(err)
	}
	log := out.String()
	t.Logf("log:\n%s", log)

	for _, want := range []string{
		"#1 [internal] load build definition from Dockerfile\n",
		"#1 DONE 0.5s\n",
		"#2 [build 1/2] COPY handler.go .\n",
		"#2 CACHED\n",
		"#3 [build 2/2] RUN go build -o /handler .\n",
		"go: downloading nothing\n",
		"./handler.go:7:2: undefined: foo\n",
		`#3 ERROR: process "/bin/sh -c go build -o /handler ." did not complete successfully: exit code: 1`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if i, j := strings.Index(log, "#3 [build 2/2]"), strings.Index(log, "undefined: foo"); i < 0 || j < i {
		t.Errorf("the step's output comes before the step itself")
	}

	failed, ok := st.failed()
	if !ok || failed.name != "[build 2/2] RUN go build -o /handler ." {
		t.Fatalf("failed step = %+v, %v", failed, ok)
	}
	if got := strings.Join(failed.tail.last(), "\n"); got != "go: downloading nothing\n# handler\n./handler.go:7:2: undefined: foo" {
		t.Fatalf("failed step's tail = %q", got)
	}
}
