package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ofcbuild/ofc/pipeline"
)

// rollbackRequest is the body of POST /api/rollback.
type rollbackRequest struct {
	Provider pipeline.Provider `json:"provider"`
	Owner    string            `json:"owner"`
	Repo     string            `json:"repo"`
	// Branch is the branch rolled back; its repository's default branch
	// when empty.
	Branch string `json:"branch"`
	// To is the good build to go back to; 0 is the newest good build
	// before what runs now, of another commit.
	To int64 `json:"to"`
}

// Rollback serves POST /api/rollback, for a token of scope write: a new
// build of an older good build's commit, flagged as a rollback, which
// deploys although production otherwise only moves forward. Its
// functions reuse the images the old build made (the same content hash),
// so that what runs again is what ran then. The next push of the branch
// descends from what was live before the rollback, so it moves forward
// from the rollback as from any older commit.
func Rollback(c WriteConfig) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		by, ok := c.writer(w, r, "a rollback")
		if !ok {
			return
		}
		var req rollbackRequest
		if !readBody(w, r, &req) {
			return
		}
		b, msg, code := c.rollbackTarget(r, req)
		if msg != "" {
			writeError(w, code, msg)
			return
		}
		ev, err := c.Actions.BuildEvent(r.Context(), b.ID)
		if err != nil {
			c.Logger.Error("read build event", "build_id", b.ID, "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not read the build")
			return
		}
		ev.Trigger = &pipeline.Trigger{Action: pipeline.ActionRollback, By: by, Of: b.ID, Reuse: true}
		c.queue(w, r, ev, pipeline.Action{Kind: pipeline.ActionRollback, BuildID: b.ID, By: by, Reuse: true})
	}
}

// rollbackTarget finds the build req rolls back to, or says why not
// with the status code to answer.
func (c WriteConfig) rollbackTarget(r *http.Request, req rollbackRequest) (pipeline.Build, string, int) {
	ctx := r.Context()
	if req.To != 0 {
		b, err := c.Builds.GetBuild(ctx, req.To)
		switch {
		case errors.Is(err, pipeline.ErrNotFound):
			return b, fmt.Sprintf("no build %d", req.To), http.StatusNotFound
		case err != nil:
			c.Logger.Error("read build", "build_id", req.To, "err", err)
			return b, "could not read the build", http.StatusServiceUnavailable
		case b.Kind != pipeline.Push || b.State != pipeline.Success:
			return b, fmt.Sprintf("build %d is a %s that ended as %s: a rollback goes back to a successful build of a push", b.ID, b.Kind, b.State), http.StatusBadRequest
		case req.Owner != "" && (b.Repo.Owner != req.Owner || b.Repo.Name != req.Repo):
			return b, fmt.Sprintf("build %d is of %s, not %s/%s", b.ID, b.Repo.FullName(), req.Owner, req.Repo), http.StatusBadRequest
		}
		return b, "", 0
	}
	if req.Owner == "" || req.Repo == "" {
		return pipeline.Build{}, "owner and repo are required, or to (a build id)", http.StatusBadRequest
	}
	list, err := c.Builds.ListBuilds(ctx, req.Owner, req.Repo, 20)
	if err != nil {
		c.Logger.Error("list builds", "owner", req.Owner, "repo", req.Repo, "err", err)
		return pipeline.Build{}, "could not list builds", http.StatusServiceUnavailable
	}
	var repo pipeline.Repo
	for _, b := range list {
		if req.Provider == "" || b.Repo.Provider == req.Provider {
			repo = b.Repo
			break
		}
	}
	if repo.Name == "" {
		return pipeline.Build{}, fmt.Sprintf("%s/%s has no builds", req.Owner, req.Repo), http.StatusNotFound
	}
	branch := req.Branch
	if branch == "" {
		branch = repo.DefaultBranch
	}
	b, err := c.Actions.RollbackTarget(ctx, repo, branch)
	switch {
	case errors.Is(err, pipeline.ErrNotFound):
		return b, fmt.Sprintf("%s has no good build on %s older than what runs now: nothing to roll back to", repo.FullName(), branch), http.StatusNotFound
	case err != nil:
		c.Logger.Error("find rollback target", "repo", repo.FullName(), "branch", branch, "err", err)
		return b, "could not find the build to roll back to", http.StatusServiceUnavailable
	}
	return b, "", 0
}
