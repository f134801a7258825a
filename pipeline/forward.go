package pipeline

import (
	"context"
	"fmt"
	"sync"
)

// History reads a repository's commit graph from a build's clone.
//
// Contains reports whether commit descendant has ancestor in its history
// (a commit contains itself), fetching into dir, the clone Source.Fetch
// made of ev, what it needs. known is false when the forge no longer has
// one of the two commits (a force push dropped it): how they relate is
// then unknown. An error is Transient when trying again may help. Calls
// on one dir must not overlap; calls on different dirs may.
type History interface {
	Contains(ctx context.Context, ev Event, dir, descendant, ancestor string) (contains, known bool, err error)
}

// lineage answers, for one build, whether its commit may replace what a
// function runs. Its functions deploy in parallel and share one clone, so
// it keeps their questions to the History one at a time.
type lineage struct {
	mu      sync.Mutex
	history History
	ev      Event
	dir     string
	buildID int64
	// related remembers how the build's commit relates to each live
	// commit asked about: a stack's functions mostly run one commit, and
	// each question runs git.
	related map[string]relation
}

// relation is how the build's commit relates to a live one.
type relation struct {
	// liveContains: the live commit has the build's in its history;
	// forward: the build's commit has the live one in its history.
	// known is false when the forge no longer has one of them.
	liveContains, forward, known bool
}

// mayReplace says why the build must not replace live, or "" when it may:
// production moves only forward. A commit live already, or one whose
// history holds the build's commit, stays; one the build's commit
// descends from is replaced. Between commits that are not related, as
// after a force push, the push received last wins, and builds are
// numbered in the order their pushes were received.
//
// A name another repository deploys is refused as the user's failure:
// with plain names (a production function under its stack-file name) two
// repositories may claim one name, and neither may take the other's.
func (l *lineage) mayReplace(ctx context.Context, live *Deployed) (string, error) {
	if live != nil && live.Repo.Name != "" && !l.ev.Repo.Same(live.Repo) {
		return "", fmt.Errorf("the function name %q is taken: %s deploys a function of that name already, and %s cannot replace it; rename one of the two functions",
			live.DeployName, live.Repo.FullName(), l.ev.Repo.FullName())
	}
	if live == nil || live.Commit == "" || live.Commit == l.ev.Commit || l.ev.Trigger.Rollback() {
		// A rollback is a user's explicit, recorded step back.
		return "", nil
	}
	rel, err := l.relate(ctx, live.Commit)
	if err != nil {
		return "", err
	}
	if rel.known && rel.liveContains {
		return ShortSHA(live.Commit) + " is already live and contains " + ShortSHA(l.ev.Commit), nil
	}
	if rel.known && rel.forward {
		return "", nil
	}
	if live.BuildID > l.buildID {
		return ShortSHA(live.Commit) + " is already live, from a push received later", nil
	}
	return "", nil
}

// relate is how the build's commit relates to live, asked of the
// History once per live commit.
func (l *lineage) relate(ctx context.Context, live string) (relation, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rel, ok := l.related[live]; ok {
		return rel, nil
	}
	contains, known, err := l.history.Contains(ctx, l.ev, l.dir, live, l.ev.Commit)
	if err != nil {
		return relation{}, fmt.Errorf("compare %s with the live %s: %w", ShortSHA(l.ev.Commit), ShortSHA(live), err)
	}
	rel := relation{liveContains: contains, known: known}
	if known && !contains {
		forward, known2, err := l.history.Contains(ctx, l.ev, l.dir, l.ev.Commit, live)
		if err != nil {
			return relation{}, fmt.Errorf("compare %s with the live %s: %w", ShortSHA(l.ev.Commit), ShortSHA(live), err)
		}
		rel.forward, rel.known = forward, known2
	}
	if l.related == nil {
		l.related = map[string]relation{}
	}
	l.related[live] = rel
	return rel, nil
}

// prefetch asks, ahead of the deploys, how the build's commit relates to
// each commit the branch runs (as recorded for build id). What it cannot
// learn is asked again at the deploy, which then says why.
func (l *lineage) prefetch(ctx context.Context, deployments Deployments, id int64) {
	live, err := deployments.LiveOnBranch(ctx, id, l.ev.Branch)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, d := range live {
		if d.Commit == "" || d.Commit == l.ev.Commit || seen[d.Commit] || ctx.Err() != nil {
			continue
		}
		seen[d.Commit] = true
		_, _ = l.relate(ctx, d.Commit)
	}
}
