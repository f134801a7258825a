package pipeline

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// orderSink notes, for each flush of the log, whether the build's final
// state was stored by then.
type orderSink struct {
	nopSink
	st      *memStore
	mu      sync.Mutex
	flushes []State
}

func (s *orderSink) Flush(context.Context, int64, bool) {
	s.st.mu.Lock()
	state := s.st.state
	s.st.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushes = append(s.flushes, state)
}

// A reader that sees the final state reads the whole log: the log is
// stored before the state, for a success and for a failure alike.
func TestTheLogIsStoredBeforeTheFinalState(t *testing.T) {
	for _, fail := range []bool{false, true} {
		st := &memStore{state: Queued}
		sink := &orderSink{st: st}
		build := buildFunc(func(s FunctionSpec) (string, error) {
			if fail {
				return "", errors.New("does not compile")
			}
			return "sha256:" + s.Name, nil
		})
		r, err := NewRunner(RunnerConfig{Store: st, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: specs("a"), Builder: build,
			Deployer: &memDeployer{images: map[string]string{}}, Reporter: &memReporter{}, Logs: sink,
			WorkDir: t.TempDir(), Deployments: &memDeployments{live: map[string]Deployed{}}, Remover: &memRemover{}})
		if err != nil {
			t.Fatal(err)
		}
		r.Handle(context.Background(), &memDelivery{n: 1, max: 3})
		if len(sink.flushes) == 0 || sink.flushes[0] != Running {
			t.Errorf("failing %v: the build's state at each flush of its log: %v; want the first while it still runs", fail, sink.flushes)
		}
	}
}
