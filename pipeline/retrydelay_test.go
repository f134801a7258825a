package pipeline

import (
	"testing"
	"time"
)

// The waits between attempts double, so that five attempts span minutes
// of an outage of BuildKit, the registry or the gateway, not seconds.
func TestRetryDelayDoublesUpToItsBound(t *testing.T) {
	r, err := NewRunner(RunnerConfig{Store: &memStore{}, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: specs(),
		Builder: buildFunc(nil), Deployer: &memDeployer{}, Reporter: &memReporter{}, Logs: nopSink{},
		Deployments: &memDeployments{}, Remover: &memRemover{}, RetryDelay: 10 * time.Second, MaxRetryDelay: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute}
	for i, w := range want {
		if got := r.retryDelay(i + 1); got != w {
			t.Errorf("retryDelay(%d) = %s, want %s", i+1, got, w)
		}
	}
}
