package buildkit

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/client"
)

func TestTailKeepsLastLines(t *testing.T) {
	tests := []struct {
		name   string
		writes []string // to stdout, in order
		want   []string
	}{
		{"lines split across writes", []string{"hel", "lo\nwor", "ld\n"}, []string{"hello", "world"}},
		{"unfinished last line kept", []string{"a\n", "no newline"}, []string{"a", "no newline"}},
		{"crlf", []string{"a\r\n", "b\r", "\n"}, []string{"a", "b"}},
		{"progress redraws", []string{"10%\r", "50%\r", "100%\n"}, []string{"100%"}},
		{"redraw within a write", []string{"1%\r2%\r3%\ndone\n"}, []string{"3%", "done"}},
		{"empty lines kept", []string{"a\n\nb\n"}, []string{"a", "", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tl tail
			for _, w := range tt.writes {
				tl.write(1, []byte(w))
			}
			if got := tl.last(); !slices.Equal(got, tt.want) {
				t.Fatalf("last() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTailIsBounded(t *testing.T) {
	var tl tail
	for i := range 1000 {
		tl.write(2, fmt.Appendf(nil, "line %d\n", i))
	}
	got := tl.last()
	if len(got) != tailLines || got[0] != fmt.Sprintf("line %d", 1000-tailLines) || got[len(got)-1] != "line 999" {
		t.Fatalf("last() = %q, want the last %d lines", got, tailLines)
	}

	var long tail
	long.write(1, []byte(strings.Repeat("x", 10*maxTailLine)))
	long.write(1, []byte(strings.Repeat("y", 10*maxTailLine)+"\nshort\n"))
	got = long.last()
	if len(got) != 2 || got[0] != strings.Repeat("x", maxTailLine)+"…" || got[1] != "short" {
		t.Fatalf("a long line is kept as %d lines of lengths %v, want it cut at %d", len(got), lens(got), maxTailLine)
	}
}

func TestTailKeepsStreamsApart(t *testing.T) {
	var tl tail
	tl.write(1, []byte("compiling "))
	tl.write(2, []byte("./handler.go:7:2: undefined: foo\n"))
	tl.write(1, []byte("handler\n"))
	want := []string{"./handler.go:7:2: undefined: foo", "compiling handler"}
	if got := tl.last(); !slices.Equal(got, want) {
		t.Fatalf("last() = %q, want %q", got, want)
	}
}

func TestStepsFindTheStepThatFailed(t *testing.T) {
	st := newSteps()
	st.add(&client.SolveStatus{
		Vertexes: []*client.Vertex{
			{Digest: "sha256:a", Name: "[build 1/2] COPY . ."},
			{Digest: "sha256:b", Name: "[test 1/1] RUN go test"},
			{Digest: "sha256:c", Name: "[build 2/2] RUN go build"},
		},
		Logs: []*client.VertexLog{
			{Vertex: "sha256:b", Stream: 1, Data: []byte("ok\n")},
			{Vertex: "sha256:c", Stream: 2, Data: []byte("./handler.go:7:2: undefined: foo\n")},
		},
	})
	st.add(&client.SolveStatus{Vertexes: []*client.Vertex{
		{Digest: "sha256:b", Name: "[test 1/1] RUN go test", Error: "context canceled"},
		{Digest: "sha256:c", Name: "[build 2/2] RUN go build", Error: "process \"/bin/sh -c go build\" did not complete successfully: exit code: 1"},
	}})
	failed, ok := st.failed()
	if !ok || failed.name != "[build 2/2] RUN go build" {
		t.Fatalf("failed() = %+v, %v; want the go build step, not the cancelled one", failed, ok)
	}
	if got := failed.tail.last(); !slices.Equal(got, []string{"./handler.go:7:2: undefined: foo"}) {
		t.Fatalf("failed step's output = %q", got)
	}

	if _, ok := newSteps().failed(); ok {
		t.Fatal("a solve without errors has a failed step")
	}
}

func lens(ss []string) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i] = len(s)
	}
	return out
}

// A cache that could not be imported is not the step that failed: the
// command that failed, with its output, is.
func TestFailedSkipsACacheImport(t *testing.T) {
	st := newSteps()
	st.add(&client.SolveStatus{
		Vertexes: []*client.Vertex{
			{Digest: "sha256:1", Name: "importing cache manifest from reg/o/r/fn:buildcache", Error: "failed to configure registry cache importer: not found"},
			{Digest: "sha256:2", Name: "[2/2] RUN make", Error: `process "/bin/sh -c make" did not complete successfully: exit code: 2`},
		},
		Logs: []*client.VertexLog{{Vertex: "sha256:2", Stream: 2, Data: []byte("make: *** no rule\n")}},
	})
	failed, ok := st.failed()
	if !ok || failed.name != "[2/2] RUN make" || !slices.Equal(failed.tail.last(), []string{"make: *** no rule"}) {
		t.Errorf("failed() = %+v, %v; want the RUN step with its output", failed, ok)
	}
}
