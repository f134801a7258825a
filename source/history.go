package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// Contains implements pipeline.History on a clone Fetch made. The clone
// is shallow; the first question fetches the history of both commits
// without trees or files (a filter GitHub and GitLab serve), a few bytes
// a commit, and unshallows the clone, so that git merge-base walks the
// real graph.
func (g *Git) Contains(ctx context.Context, ev pipeline.Event, dir, descendant, ancestor string) (bool, bool, error) {
	for _, sha := range []string{descendant, ancestor} {
		if !shaRE.MatchString(sha) {
			return false, false, fmt.Errorf("%q is not a commit id", sha)
		}
	}
	known, err := g.fetchHistory(ctx, ev, dir, descendant, ancestor)
	if err != nil || !known {
		return false, known, err
	}
	err = g.run(ctx, dir, localEnv, "merge-base", "--is-ancestor", ancestor, descendant)
	var ge *gitError
	switch {
	case err == nil:
		return true, true, nil
	case errors.As(err, &ge) && ge.code == 1:
		return false, true, nil
	}
	return false, false, fmt.Errorf("compare %s with %s: %w", pipeline.ShortSHA(descendant), pipeline.ShortSHA(ancestor), err)
}

// fetchHistory brings the history of the commits into dir, fetching only
// what is missing. known is false when the forge does not have one of
// them any more.
func (g *Git) fetchHistory(ctx context.Context, ev pipeline.Event, dir string, shas ...string) (bool, error) {
	_, err := os.Stat(filepath.Join(dir, ".git", "shallow"))
	shallow := err == nil
	args := []string{"fetch", "--quiet", "--no-tags", "--filter=tree:0"}
	if shallow {
		args = append(args, "--unshallow", "origin", ev.Commit)
	} else {
		args = append(args, "origin")
	}
	missing := 0
	for _, sha := range shas {
		if g.run(ctx, dir, localEnv, "cat-file", "-e", sha+"^{commit}") != nil || shallow {
			args = append(args, sha)
			missing++
		}
	}
	if missing == 0 {
		return true, nil
	}
	env, err := g.credentials(ctx, ev)
	if err != nil {
		return false, fmt.Errorf("fetch history of %s: %w", ev.Repo.FullName(), err)
	}
	// As bounded as a clone: a forge that stops answering must not hold
	// the deploy, and its lock, for ever.
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	err = g.run(ctx, dir, env, args...)
	var ge *gitError
	if errors.As(err, &ge) && notOnForge(ge.stderr) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("fetch history of %s: %w", ev.Repo.FullName(), pipeline.Transient(fetchError(err)))
	}
	return true, nil
}

// notOnForge tells a commit the forge does not have (force-pushed away and
// collected) from a fetch that failed.
func notOnForge(stderr string) bool {
	msg := strings.ToLower(stderr)
	return strings.Contains(msg, "not our ref") || strings.Contains(msg, "couldn't find remote ref") ||
		strings.Contains(msg, "no such remote ref") || strings.Contains(msg, "unadvertised object")
}

// localEnv is git's environment for commands that reach no remote.
var localEnv = []string{"GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + os.TempDir()}
