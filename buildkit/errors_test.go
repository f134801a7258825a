package buildkit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/moby/buildkit/client"
	"github.com/ofcbuild/ofc/pipeline"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const image = "127.0.0.1:5000/o/r/fn:abc"

// failedRun is the state of a solve whose RUN step printed out and failed
// with stepErr.
func failedRun(stepErr string, out ...string) *steps {
	st := newSteps()
	st.add(&client.SolveStatus{Vertexes: []*client.Vertex{{Digest: "sha256:1", Name: "[build 2/2] RUN go build ."}}})
	for _, l := range out {
		st.add(&client.SolveStatus{Logs: []*client.VertexLog{{Vertex: "sha256:1", Stream: 2, Data: []byte(l)}}})
	}
	st.add(&client.SolveStatus{Vertexes: []*client.Vertex{{Digest: "sha256:1", Name: "[build 2/2] RUN go build .", Error: stepErr}}})
	return st
}

func TestSolveError(t *testing.T) {
	const exit1 = `process "/bin/sh -c go build ." did not complete successfully: exit code: 1`
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithTimeout(context.Background(), 0)
	defer cancel2()

	tests := []struct {
		name      string
		ctx       context.Context
		err       error
		steps     *steps
		transient bool
		lastLine  string
	}{
		{
			name:     "compile error ends with the compiler's output",
			err:      errors.New("failed to solve: " + exit1),
			steps:    failedRun(exit1, "# handler\n", "./handler.go:7:2: undefined: foo\n"),
			lastLine: "./handler.go:7:2: undefined: foo",
		},
		{
			name:     "a failed command without output",
			err:      errors.New("failed to solve: " + exit1),
			steps:    failedRun(exit1),
			lastLine: "failed to solve: " + exit1,
		},
		{
			name:     "a command of the user's that cannot reach the network",
			err:      errors.New("failed to solve: " + exit1),
			steps:    failedRun(exit1, "dial tcp 10.0.0.1:443: connect: connection refused\n"),
			lastLine: "dial tcp 10.0.0.1:443: connect: connection refused",
		},
		{
			name:     "a Dockerfile that does not parse",
			err:      errors.New("failed to solve: dockerfile parse error on line 2: unknown instruction: RUNN"),
			steps:    newSteps(),
			lastLine: "failed to solve: dockerfile parse error on line 2: unknown instruction: RUNN",
		},
		{
			name:      "buildkitd unreachable",
			err:       status.Error(codes.Unavailable, "connection error: dial unix /run/buildkitd.sock: connect: no such file or directory"),
			steps:     newSteps(),
			transient: true,
		},
		{
			name:      "registry down while pushing",
			err:       errors.New("failed to solve: failed to push 127.0.0.1:5000/o/r/fn:abc: dial tcp 127.0.0.1:5000: connect: connection refused"),
			steps:     newSteps(),
			transient: true,
		},
		{
			name:      "build cancelled",
			ctx:       cancelled,
			err:       status.Error(codes.Canceled, "context canceled"),
			steps:     failedRun("context canceled"),
			transient: true,
		},
		{
			name:      "buildkitd cancels the solve on its side",
			err:       status.Error(codes.Canceled, "context canceled"),
			steps:     newSteps(),
			transient: true,
		},
		{
			name:      "a cancel that reached the builder as text only",
			err:       errors.New("failed to receive status: rpc error: code = Canceled desc = context canceled"),
			steps:     failedRun("context canceled"),
			transient: true,
		},
		{
			name:     "build took too long",
			ctx:      expired,
			err:      status.Error(codes.DeadlineExceeded, "context deadline exceeded"),
			steps:    newSteps(),
			lastLine: "build " + image + ": context deadline exceeded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			err := solveError(ctx, image, tt.err, tt.steps)
			if got := pipeline.IsTransient(err); got != tt.transient {
				t.Fatalf("IsTransient(%v) = %v, want %v", err, got, tt.transient)
			}
			if !strings.HasPrefix(err.Error(), "build "+image+": ") {
				t.Errorf("error %q does not say which image failed", err)
			}
			if tt.lastLine != "" {
				lines := strings.Split(err.Error(), "\n")
				if got := lines[len(lines)-1]; !strings.HasSuffix(got, tt.lastLine) {
					t.Errorf("error ends with %q, want %q; whole error:\n%s", got, tt.lastLine, err)
				}
			}
		})
	}
}

func TestStepErrorUnwraps(t *testing.T) {
	cause := errors.New("failed to solve")
	err := fmt.Errorf("outer: %w", &StepError{Step: "[2/2] RUN make", Output: []string{"make: *** [all] Error 1"}, Err: cause})
	var se *StepError
	if !errors.As(err, &se) || se.Step != "[2/2] RUN make" || !errors.Is(err, cause) {
		t.Fatalf("StepError does not unwrap: %v", err)
	}
	want := "outer: failed to solve\n > [2/2] RUN make:\nmake: *** [all] Error 1"
	if err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestStepErrorSummaryIsTheVerdict(t *testing.T) {
	e := &StepError{Step: "[build 6/6] RUN go build -o /handler .", Err: errors.New("exit code: 1"),
		Output: []string{"# handler", "function/handler.go:7:2: undefined: undefinedHelper", ""}}
	if got, want := e.Summary(), "function/handler.go:7:2: undefined: undefinedHelper"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	var s pipeline.Summarizer
	if !errors.As(fmt.Errorf("build x: %w", e), &s) {
		t.Error("a wrapped StepError is not a pipeline.Summarizer")
	}
}
