package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// refusingReporter is a forge that refuses the pending statuses of one
// context, as one whose token lacks a scope would.
type refusingReporter struct {
	memReporter
	refuse string
}

func (r *refusingReporter) Report(ctx context.Context, ev Event, st CommitStatus) error {
	if st.Context == r.refuse && st.State == StatusPending {
		return errors.New("403 Resource not accessible by integration")
	}
	return r.memReporter.Report(ctx, ev, st)
}

// The log says which final statuses went to the commit, and which status
// the forge refused and why.
func TestTheLogSaysWhatWasReported(t *testing.T) {
	st, sink := &memStore{state: Queued}, &lineSink{}
	r, err := NewRunner(RunnerConfig{Store: st, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: specs("a"),
		Builder:  buildFunc(func(s FunctionSpec) (string, error) { return "sha256:" + s.Name, nil }),
		Deployer: &memDeployer{images: map[string]string{}}, Reporter: &refusingReporter{refuse: "ofc/a"}, Logs: sink,
		WorkDir: t.TempDir(), Deployments: &memDeployments{live: map[string]Deployed{}}, Remover: &memRemover{}})
	if err != nil {
		t.Fatal(err)
	}
	r.Handle(context.Background(), &memDelivery{n: 1, max: 3})
	log := sink.String()
	for _, want := range []string{
		"status ofc/a (pending) not reported: 403 Resource not accessible by integration",
		"status ofc/a: success: deployed alice-a",
		"status ofc: success: ",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	if st.state != Success {
		t.Errorf("a refused status failed the build: %s", st.state)
	}
}
