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
	const image = "reg/alice/fns/a@sha256:a"
	// running is what the gateway holds after deploying a with
	// annotations ann and environment env.
	running := func(ann, env map[string]string) map[string]string {
		sp, _ := specs("a")()
		sp[0].Deployment.Annotations, sp[0].Deployment.EnvVars = ann, env
		return fingerprinted(sp[0], image).Deployment.Annotations
	}
	build := buildFunc(func(s FunctionSpec) (string, error) { return "sha256:" + s.Name, nil })
	for _, c := range []struct {
		name      string
		running   map[string]string
		deploys   int
		unchanged bool
	}{
		{"as this build deploys it", running(origin, nil), 0, true},
		{"from an earlier commit, the same image and settings", running(map[string]string{LabelCommit: strings.Repeat("9", 40), LabelPullRequest: "12"}, nil), 0, true},
		{"from the same commit for another pull request", running(map[string]string{LabelCommit: strings.Repeat("a", 40)}, nil), 1, false},
		{"with other settings", running(origin, map[string]string{"MODE": "old"}), 1, false},
		{"by an earlier version, without a fingerprint", origin, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, rep := &memStore{state: Queued}, &memReporter{}
			dep := &memDeployer{images: map[string]string{"alice-a": image},
				annotations: map[string]map[string]string{"alice-a": c.running}}
			newRunner(t, st, okFetch, annotated, build, dep, rep).Handle(context.Background(), &memDelivery{n: 2, max: 3})
			if st.state != Success {
				t.Fatalf("build %s: %s", st.state, st.msg)
			}
			if dep.deploys != c.deploys {
				t.Errorf("deployed %d times, want %d", dep.deploys, c.deploys)
			}
			if fb := st.functions["a"]; fb.Unchanged != c.unchanged {
				t.Errorf("recorded unchanged = %v, want %v", fb.Unchanged, c.unchanged)
			}
		})
	}
}
