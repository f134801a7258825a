package pipeline

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
)

// memSecrets holds build secrets by repository and id.
type memSecrets map[string]map[string]string

func (m memSecrets) BuildSecrets(_ context.Context, repo Repo, ids []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, id := range ids {
		v, ok := m[repo.FullName()][id]
		if !ok {
			return nil, fmt.Errorf("%s: %w", id, ErrSecretNotFound)
		}
		out[id] = []byte(v)
	}
	return out, nil
}

// lineSink keeps the log's lines.
type lineSink struct {
	mu    sync.Mutex
	lines []string
}

func (s *lineSink) Line(_ context.Context, _ int64, _ string, _ Step, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lines = append(s.lines, text)
}
func (s *lineSink) Flush(context.Context, int64, bool) {}
func (s *lineSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

// A function's build sees the build secrets its stack file names, unless
// its code comes from a fork the repository does not trust; a secret the
// service does not have fails the function with a message that names it.
func TestBuildSecrets(t *testing.T) {
	store := memSecrets{"alice/fns": {"npm": "s3cr3t-npm", "cert": "c3rt-value"}}
	sha := strings.Repeat("c", 40)
	cases := []struct {
		name    string
		ev      Event
		source  SecretSource
		ids     []string
		want    map[string]string
		failure string
		logs    string
	}{
		{"branch push", Event{Kind: Push, Branch: "main"}, store, []string{"cert", "npm"},
			map[string]string{"npm": "s3cr3t-npm", "cert": "c3rt-value"}, "", "build secrets: cert, npm"},
		{"tag", Event{Kind: Tag, Tag: "v1"}, store, []string{"npm"}, map[string]string{"npm": "s3cr3t-npm"}, "", "build secrets: npm"},
		{"no secrets asked for", Event{Kind: Push, Branch: "main"}, nil, nil, nil, "", ""},
		{"untrusted fork", Event{Kind: PullRequest, Branch: ForkBranch(3), PullRequest: 3, Fork: true}, store, []string{"npm"},
			nil, "", "build secrets withheld (npm): the pull request comes from a fork"},
		{"unknown secret", Event{Kind: Push, Branch: "main"}, store, []string{"npm", "pypi"}, nil,
			"build secrets of alice/fns: pypi: build secret not configured", ""},
		{"no secrets configured", Event{Kind: Push, Branch: "main"}, nil, []string{"npm"}, nil,
			"build secrets npm: this service has no build secrets configured", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := c.ev
			ev.Repo, ev.Commit = Repo{Owner: "alice", Name: "fns", DefaultBranch: "main"}, sha
			var mu sync.Mutex
			var seen map[string][]byte
			build := buildFunc(func(s FunctionSpec) (string, error) {
				mu.Lock()
				defer mu.Unlock()
				seen = maps.Clone(s.Secrets)
				return "sha256:" + s.Name, nil
			})
			plan := planFunc(func() ([]FunctionSpec, error) {
				return []FunctionSpec{{Name: "a", DeployName: "alice-a", Image: "reg/alice/fns/a:c", BuildSecrets: c.ids}}, nil
			})
			st, sink := &memStore{state: Queued}, &lineSink{}
			r, err := NewRunner(RunnerConfig{Store: st, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: plan, Builder: build,
				Deployer: &memDeployer{images: map[string]string{}}, Reporter: &memReporter{}, Logs: sink,
				WorkDir: t.TempDir(), Deployments: &memDeployments{live: map[string]Deployed{}}, Remover: &memRemover{},
				Secrets: c.source})
			if err != nil {
				t.Fatal(err)
			}
			r.Handle(context.Background(), &memDelivery{req: BuildRequest{BuildID: 2, Event: ev}, n: 1, max: 3})

			fb := st.functions["a"]
			if c.failure != "" {
				if fb.State != Failure || fb.FailedStep != StepBuild || fb.Error != c.failure {
					t.Fatalf("function a: %s at %q: %q; want failure at build: %q", fb.State, fb.FailedStep, fb.Error, c.failure)
				}
				if seen != nil {
					t.Errorf("the builder ran with %v after the secrets failed", seen)
				}
				return
			}
			if fb.State != Success {
				t.Fatalf("function a: %s: %s", fb.State, fb.Error)
			}
			got := map[string]string{}
			for k, v := range seen {
				got[k] = string(v)
			}
			if !maps.Equal(got, c.want) {
				t.Errorf("the build saw secrets %v, want %v", got, c.want)
			}
			if log := sink.String(); !strings.Contains(log, c.logs) {
				t.Errorf("log %q does not say %q", log, c.logs)
			}
			if log := sink.String(); strings.Contains(log, "s3cr3t") || strings.Contains(log, "c3rt-value") {
				t.Errorf("log shows a secret's value: %q", log)
			}
		})
	}
}
