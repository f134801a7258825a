package pipeline

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

// memCommenter keeps the bodies written, per pull request.
type memCommenter struct {
	mu     sync.Mutex
	bodies []string
}

func (c *memCommenter) UpsertComment(_ context.Context, _ Event, body string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bodies = append(c.bodies, body)
	return nil
}

func TestAPullRequestBuildCommentsItsPreviews(t *testing.T) {
	st, rep, com := &memStore{state: Queued}, &memReporter{}, &memCommenter{}
	build := buildFunc(func(s FunctionSpec) (string, error) {
		if s.Name == "bad" {
			return "", errors.New("./handler.go:7:2: undefined: nope")
		}
		return "sha256:" + s.Name, nil
	})
	r, err := NewRunner(RunnerConfig{Store: st, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: specs("a", "bad"), Builder: build,
		Deployer: &memDeployer{images: map[string]string{}}, Reporter: rep, Logs: nopSink{}, WorkDir: t.TempDir(),
		Deployments: &memDeployments{live: map[string]Deployed{}}, Remover: &memRemover{}, Commenter: com,
		FunctionURL: func(n string) string { return "https://fn.example/function/" + n }})
	if err != nil {
		t.Fatal(err)
	}
	ev := Event{Kind: PullRequest, PullRequest: 3, Commit: strings.Repeat("b", 40), Branch: "feature/x",
		Repo: Repo{Owner: "alice", Name: "fns", DefaultBranch: "main"}}
	d := &memDelivery{req: BuildRequest{BuildID: 9, Event: ev}, n: 1, max: 3}
	r.Handle(context.Background(), d)

	if len(com.bodies) != 1 {
		t.Fatalf("%d comments written, want 1", len(com.bodies))
	}
	body := com.bodies[0]
	for _, want := range []string{CommentMarker, "bbbbbbb", "https://fn.example/function/alice-a", "✅ deployed", "❌ build failed", "undefined: nope"} {
		if !strings.Contains(body, want) {
			t.Errorf("comment lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "function/alice-bad") {
		t.Errorf("the failed function got a preview URL:\n%s", body)
	}

	// A plain push writes no comment.
	com.bodies = nil
	st2 := &memStore{state: Queued}
	r.cfg.Store = st2
	r.Handle(context.Background(), &memDelivery{n: 1, max: 3})
	if len(com.bodies) != 0 {
		t.Errorf("a push wrote a comment: %v", com.bodies)
	}
}

// A function's final status carries the end of its log; the others none.
func TestTheFinalStatusCarriesTheLog(t *testing.T) {
	st, rep := &memStore{state: Queued}, &memReporter{}
	build := buildFunc(func(s FunctionSpec) (string, error) { return "sha256:" + s.Name, nil })
	newRunner(t, st, okFetch, specs("a"), build, &memDeployer{images: map[string]string{}}, rep).Handle(context.Background(), &memDelivery{n: 1, max: 3})
	var final CommitStatus
	for _, s := range rep.statuses {
		if s.Context == "ofc/a" {
			if s.State == StatusPending && s.Log != "" {
				t.Errorf("a pending status carries a log: %q", s.Log)
			}
			final = s
		}
	}
	if final.State != StatusSuccess || !strings.Contains(final.Log, "pushed reg/alice/fns/a:abc") || !strings.HasSuffix(final.Log, "deployed alice-a (reg/alice/fns/a@sha256:a)") {
		t.Errorf("final status %s with log %q, want the build's lines ending with the deploy", final.State, final.Log)
	}
}
