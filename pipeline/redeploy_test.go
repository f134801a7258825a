package pipeline

import (
	"context"
	"strings"
	"testing"
)

// An attempt killed after the gateway took its deploy and before the
// record leaves the function running the build's image; the next attempt
// does not deploy it again.
func TestARetryDoesNotDeployWhatTheGatewayRunsAlready(t *testing.T) {
	origin := map[string]string{LabelCommit: strings.Repeat("a", 40), LabelPullRequest: "12"}
	annotated := func() ([]FunctionSpec, error) {
		sp, _ := specs("a")()
		sp[0].Deployment.Annotations = origin
		return sp, nil
	}
	build := buildFunc(func(s FunctionSpec) (string, error) { return "sha256:" + s.Name, nil })
	for _, c := range []struct {
		name    string
		running map[string]string
		deploys int
	}{
		{"as this build deploys it", origin, 0},
		{"from the same commit for another pull request", map[string]string{LabelCommit: strings.Repeat("a", 40)}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, rep := &memStore{state: Queued}, &memReporter{}
			dep := &memDeployer{images: map[string]string{"alice-a": "reg/alice/fns/a@sha256:a"},
				annotations: map[string]map[string]string{"alice-a": c.running}}
			newRunner(t, st, okFetch, annotated, build, dep, rep).Handle(context.Background(), &memDelivery{n: 2, max: 3})
			if st.state != Success {
				t.Fatalf("build %s: %s", st.state, st.msg)
			}
			if dep.deploys != c.deploys {
				t.Errorf("deployed %d times, want %d", dep.deploys, c.deploys)
			}
		})
	}
}
