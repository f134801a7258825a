package pipeline

import (
	"context"
	"io"
	"testing"
	"time"
)

// A running build that a newer push supersedes is stopped at its next
// heartbeat: its solve is cancelled, nothing of it is deployed, and the
// build and its commit say why.
func TestASupersededBuildStopsAndDeploysNothing(t *testing.T) {
	st, dep, rep := &memStore{state: Queued}, &memDeployer{images: map[string]string{}}, &memReporter{}
	solving := make(chan struct{})
	r := newRunner(t, st, okFetch, specs("a"), buildFunc(nil), dep, rep)
	r.cfg.ClaimTimeout = 40 * time.Millisecond // a heartbeat every 10ms
	// A solve that runs until its context ends.
	r.cfg.Builder = ctxBuild(func(ctx context.Context) (string, error) {
		close(solving)
		<-ctx.Done()
		return "", context.Cause(ctx)
	})
	go func() {
		<-solving
		st.mu.Lock()
		st.supersededBy = "bbbbbbb"
		st.mu.Unlock()
	}()
	d := &memDelivery{n: 1, max: 3}
	r.Handle(context.Background(), d)

	if d.settled != "ack" {
		t.Errorf("delivery %s, want ack: the build is final", d.settled)
	}
	if st.state != Superseded || st.msg != "superseded by bbbbbbb" {
		t.Errorf("build stored as %s %q, want superseded by bbbbbbb", st.state, st.msg)
	}
	if len(dep.images) != 0 {
		t.Errorf("deployed %v", dep.images)
	}
	for _, ctx := range []string{"ofc", "ofc/a"} {
		got := rep.states(ctx)
		if len(got) == 0 || got[len(got)-1] != StatusCancelled {
			t.Errorf("statuses of %s: %v, want cancelled last", ctx, got)
		}
	}
}

type ctxBuild func(ctx context.Context) (string, error)

func (f ctxBuild) Build(ctx context.Context, _ FunctionSpec, _ io.Writer) (string, error) {
	return f(ctx)
}
