package buildkit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/util/grpcerrors"
	"github.com/ofcbuild/ofc/pipeline"
	"google.golang.org/grpc/codes"
)

// StepError is a build that failed in one of its steps, with the last
// lines the step printed. Its message ends with those lines, so that the
// tail of a compiler's complaint is what a short description shows.
type StepError struct {
	// Step names the failed step, as BuildKit does:
	// "[build 3/4] RUN go build .".
	Step string
	// Output holds the step's last lines of output, oldest first.
	Output []string
	Err    error
}

func (e *StepError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	b.WriteString("\n > " + e.Step + ":")
	for _, l := range e.Output {
		b.WriteString("\n" + l)
	}
	return b.String()
}

func (e *StepError) Unwrap() error { return e.Err }

// Summary implements pipeline.Summarizer: the step's last lines of output
// that say something, without BuildKit's timing prefix or Go's "# package"
// headers, joined on one line. Compilers and test runners print their
// verdict last, so that is what fits a commit status.
func (e *StepError) Summary() string {
	var lines []string
	for i := len(e.Output) - 1; i >= 0 && len(lines) < 2; i-- {
		l := strings.TrimSpace(e.Output[i])
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		lines = append([]string{l}, lines...)
	}
	return strings.Join(lines, " | ")
}

// networkFailures are what the daemon reports when the registry (pulling
// a base image, pushing the result) could not be reached: the service's
// trouble, not the user's.
var networkFailures = []string{
	"connection refused",
	"connection reset by peer",
	"no such host",
	"i/o timeout",
	"TLS handshake timeout",
	"server misbehaving",
	"502 Bad Gateway",
	"503 Service Unavailable",
	"504 Gateway Timeout",
}

// solveError turns a failed solve into the error Build returns: Transient
// when buildkitd or the registry could not be reached or ctx was
// cancelled, otherwise the user's, with the failed step's output.
func solveError(ctx context.Context, image string, err error, st *steps) error {
	failed, hasFailed := st.failed()
	if cause := ctx.Err(); cause != nil {
		err = fmt.Errorf("build %s: %w", image, context.Cause(ctx))
		if errors.Is(cause, context.Canceled) {
			return pipeline.Transient(err)
		}
		// A deadline is a build that took too long: it would again.
		return err
	}
	err = fmt.Errorf("build %s: %w", image, err)
	if isUnavailable(err) {
		return pipeline.Transient(err)
	}
	// A command of the Dockerfile that failed is the user's even when it
	// failed to reach the network.
	ranCommand := hasFailed && strings.HasPrefix(failed.err, "process ")
	if !ranCommand && mentionsNetworkFailure(err.Error()) {
		return pipeline.Transient(err)
	}
	if hasFailed {
		if lines := failed.tail.last(); len(lines) > 0 {
			return &StepError{Step: failed.name, Output: lines, Err: err}
		}
	}
	return err
}

// isUnavailable reports whether buildkitd could not be reached, the
// connection to it dropped, or it cancelled or aborted the solve itself
// (a restart, its own shutdown) while the builder's context was alive:
// the daemon's trouble, never the user's.
func isUnavailable(err error) bool {
	switch grpcerrors.Code(err) {
	case codes.Unavailable, codes.Canceled, codes.Aborted:
		return true
	}
	// The code may only be left in the text, where an error passed
	// through the session lost its status ("failed to receive status:
	// rpc error: code = Canceled desc = context canceled").
	msg := err.Error()
	for _, c := range []string{"code = Unavailable", "code = Canceled", "code = Aborted"} {
		if strings.Contains(msg, "rpc error: "+c) {
			return true
		}
	}
	return false
}

func mentionsNetworkFailure(msg string) bool {
	for _, s := range networkFailures {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
