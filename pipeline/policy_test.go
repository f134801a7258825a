package pipeline

import (
	"context"
	"strings"
	"testing"
)

// What a build deploys depends on where its commit comes from: a branch
// deploys, a tag and an untrusted fork are built and reported on only.
func TestWhatABuildDeploys(t *testing.T) {
	repo := Repo{Owner: "alice", Name: "fns", DefaultBranch: "main"}
	sha := strings.Repeat("c", 40)
	cases := []struct {
		name   string
		ev     Event
		trust  string
		deploy bool
		why    string
	}{
		{"push of a branch", Event{Kind: Push, Branch: "feature/x"}, "", true, ""},
		{"pull request from the repository", Event{Kind: PullRequest, Branch: "feature/x", PullRequest: 4}, "", true, ""},
		{"pull request from a fork", Event{Kind: PullRequest, Branch: ForkBranch(4), PullRequest: 4, Fork: true}, "", false, "comes from a fork"},
		{"fork of another trusted repository", Event{Kind: PullRequest, Branch: ForkBranch(4), PullRequest: 4, Fork: true}, "alice/other, bob", false, "comes from a fork"},
		{"fork of a trusted repository", Event{Kind: PullRequest, Branch: ForkBranch(4), PullRequest: 4, Fork: true}, "Alice/FNS", true, ""},
		{"fork of a trusted owner", Event{Kind: PullRequest, Branch: ForkBranch(4), PullRequest: 4, Fork: true}, "alice", true, ""},
		{"tag", Event{Kind: Tag, Tag: "v1.2.0"}, "alice", false, "v1.2.0 is a tag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := c.ev
			ev.Repo, ev.Commit = repo, sha
			st, dep, rep := &memStore{state: Queued}, &memDeployer{images: map[string]string{}}, &memReporter{}
			// An earlier build of the same branch deployed "old", which
			// this stack file no longer has.
			deps := &memDeployments{live: map[string]Deployed{"alice-old": {DeployName: "alice-old", Function: "old", Branch: ev.Branch}}}
			rm := &memRemover{}
			r, err := NewRunner(RunnerConfig{Store: st, Source: fetchFunc(okFetch), History: linearHistory{}, Planner: specs("a"),
				Builder:  buildFunc(func(s FunctionSpec) (string, error) { return "sha256:" + s.Name, nil }),
				Deployer: dep, Reporter: rep, Logs: nopSink{}, WorkDir: t.TempDir(),
				Deployments: deps, Remover: rm, ForkPreviews: ParseNamespaces(c.trust)})
			if err != nil {
				t.Fatal(err)
			}
			d := &memDelivery{req: BuildRequest{BuildID: 2, Event: ev}, n: 1, max: 3}
			r.Handle(context.Background(), d)
			if d.settled != "ack" || st.state != Success {
				t.Fatalf("build %s, settled %q", st.state, d.settled)
			}
			_, deployed := dep.images["alice-a"]
			_, recorded := deps.live["alice-a"]
			if deployed != c.deploy || recorded != c.deploy {
				t.Errorf("deployed %v, recorded %v; want %v", deployed, recorded, c.deploy)
			}
			if retired := len(rm.functions) > 0; retired != c.deploy {
				t.Errorf("functions removed: %v; want removals only from a build that deploys", rm.functions)
			}
			final := rep.statuses[len(rep.statuses)-1]
			for _, s := range rep.statuses {
				if s.Context == "ofc/a" {
					final = s
				}
			}
			if final.State != StatusSuccess || c.why != "" && !strings.Contains(final.Description, "not deployed: ") ||
				!strings.Contains(final.Description, c.why) {
				t.Errorf("final status of ofc/a: %s %q, want success saying %q", final.State, final.Description, c.why)
			}
		})
	}
}
