package pipeline

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// linearHistory is a history where commits named by numbers descend from
// every smaller number ("c1" < "c2"), and letters name unrelated lines.
type linearHistory struct{}

func (linearHistory) Contains(_ context.Context, _ Event, _, descendant, ancestor string) (bool, bool, error) {
	if descendant == "gone" || ancestor == "gone" {
		return false, false, nil
	}
	if descendant[0] != ancestor[0] {
		return false, true, nil
	}
	return descendant >= ancestor, true, nil
}

func TestMayReplaceMovesOnlyForward(t *testing.T) {
	cases := []struct {
		name        string
		commit      string
		build       int64
		live        *Deployed
		wantRefusal string
	}{
		{"nothing live", "c1", 1, nil, ""},
		{"same commit again", "c2", 3, &Deployed{Commit: "c2", BuildID: 2}, ""},
		{"a descendant of what runs", "c3", 2, &Deployed{Commit: "c2", BuildID: 5}, ""},
		{"the parent of what runs, delivered late", "c1", 9, &Deployed{Commit: "c2", BuildID: 2}, "c2 is already live and contains c1"},
		{"unrelated, pushed later", "d1", 7, &Deployed{Commit: "c9", BuildID: 6}, ""},
		{"unrelated, pushed earlier", "d1", 5, &Deployed{Commit: "c9", BuildID: 6}, "c9 is already live, from a push received later"},
		{"live commit gone from the forge, pushed later", "c1", 7, &Deployed{Commit: "gone", BuildID: 6}, ""},
		{"live commit gone from the forge, pushed earlier", "c1", 5, &Deployed{Commit: "gone", BuildID: 6}, "gone is already live, from a push received later"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := &lineage{history: linearHistory{}, ev: Event{Commit: c.commit}, buildID: c.build}
			why, err := l.mayReplace(context.Background(), c.live)
			if err != nil {
				t.Fatal(err)
			}
			if why != c.wantRefusal {
				t.Errorf("mayReplace = %q, want %q", why, c.wantRefusal)
			}
		})
	}
}

// With plain names two repositories may claim one name: neither replaces
// the other's function, and the refusal names both.
func TestMayReplaceRefusesANameAnotherRepositoryDeploys(t *testing.T) {
	mine := Repo{Provider: GitHub, Owner: "acme", Name: "web"}
	l := &lineage{history: linearHistory{}, ev: Event{Repo: mine, Commit: "c2"}, buildID: 2}
	_, err := l.mayReplace(context.Background(), &Deployed{DeployName: "back", Commit: "c1", BuildID: 1,
		Repo: Repo{Provider: GitHub, Owner: "acme", Name: "api"}})
	if err == nil || !strings.Contains(err.Error(), `the function name "back" is taken: acme/api deploys a function of that name already, and acme/web cannot replace it`) {
		t.Errorf("mayReplace = %v, want a refusal naming both repositories", err)
	}
	if IsTransient(err) {
		t.Error("the refusal is transient; it is the user's to fix")
	}
	// The same repository, written in another case, is the same.
	_, err = l.mayReplace(context.Background(), &Deployed{DeployName: "back", Commit: "c1", BuildID: 1,
		Repo: Repo{Provider: GitHub, Owner: "ACME", Name: "Web"}})
	if err != nil {
		t.Errorf("mayReplace of the repository's own function = %v", err)
	}
	// One path on two forges is two repositories.
	_, err = l.mayReplace(context.Background(), &Deployed{DeployName: "back", Commit: "c1", BuildID: 1,
		Repo: Repo{Provider: GitLab, Owner: "acme", Name: "web"}})
	if err == nil {
		t.Error("a GitLab repository's function was replaced by a GitHub one's")
	}
}

// countingHistory is linearHistory, counting the questions.
type countingHistory struct {
	linearHistory
	mu    sync.Mutex
	asked int
}

func (h *countingHistory) Contains(ctx context.Context, ev Event, dir, descendant, ancestor string) (bool, bool, error) {
	h.mu.Lock()
	h.asked++
	h.mu.Unlock()
	return h.linearHistory.Contains(ctx, ev, dir, descendant, ancestor)
}

// The branch's live commits are compared while the images build, once
// each; the deploys then ask nothing more.
func TestPrefetchAnswersTheDeploysAhead(t *testing.T) {
	h := &countingHistory{}
	l := &lineage{history: h, ev: Event{Commit: "c5", Branch: "main"}, buildID: 5}
	live := []Deployed{{DeployName: "a", Branch: "main", Commit: "c3", BuildID: 3}, {DeployName: "b", Branch: "main", Commit: "c3", BuildID: 3},
		{DeployName: "c", Branch: "main", Commit: "c4", BuildID: 4}}
	l.prefetch(context.Background(), &memDeployments{live: map[string]Deployed{"a": live[0], "b": live[1], "c": live[2]}}, 5)
	before := h.asked
	if before != 4 { // two live commits, both ways each
		t.Fatalf("prefetch asked %d questions, want 4", before)
	}
	for _, d := range live {
		if why, err := l.mayReplace(context.Background(), &d); err != nil || why != "" {
			t.Errorf("mayReplace(%s) = %q, %v", d.DeployName, why, err)
		}
	}
	if h.asked != before {
		t.Errorf("the deploys asked %d more questions, want none", h.asked-before)
	}
}
