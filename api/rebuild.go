package api

import (
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// rebuildRequest is the body of POST /api/builds/{id}/rebuild; an empty
// body rebuilds every function afresh.
type rebuildRequest struct {
	// Functions are names or globs ("*search") of the only functions
	// built and deployed; empty is all of them.
	Functions []string `json:"functions"`
	// Reuse lets functions whose content is unchanged reuse their image,
	// as a push does; by default a rebuild builds every image again.
	Reuse bool `json:"reuse"`
}

// Rebuild serves POST /api/builds/{id}/rebuild, for a token of scope
// write: a new build of the build's commit, recorded and queued as a
// push is, of every function or those matching functions. It supersedes
// no other build, and it deploys only where production may move to its
// commit, as a push's build does.
func Rebuild(c WriteConfig) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		by, b, ok := c.writerOn(w, r, "a rebuild")
		if !ok {
			return
		}
		var req rebuildRequest
		if !readBody(w, r, &req) {
			return
		}
		if b.Kind == pipeline.Cleanup {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("build %d removed previews; it has nothing to rebuild", b.ID))
			return
		}
		if !b.State.Final() {
			writeError(w, http.StatusConflict, fmt.Sprintf("build %d is %s: wait for it, or cancel it, before rebuilding it", b.ID, b.State))
			return
		}
		if msg := checkFilter(b, req.Functions); msg != "" {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		ev, err := c.Actions.BuildEvent(r.Context(), b.ID)
		if err != nil {
			c.Logger.Error("read build event", "build_id", b.ID, "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not read the build")
			return
		}
		ev.Trigger = &pipeline.Trigger{Action: pipeline.ActionRebuild, By: by, Of: b.ID, Functions: req.Functions, Reuse: req.Reuse}
		c.queue(w, r, ev, pipeline.Action{Kind: pipeline.ActionRebuild, BuildID: b.ID, By: by, Functions: req.Functions, Reuse: req.Reuse})
	}
}

// checkFilter says what is wrong with patterns as a filter of b's
// functions: malformed, or matching none of the functions b planned.
// A build that failed before planning has no functions to check against;
// its rebuild checks the filter once planned.
func checkFilter(b pipeline.Build, patterns []string) string {
	var names []string
	for _, f := range b.Functions {
		names = append(names, f.Name)
	}
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil || p == "" {
			return fmt.Sprintf("function filter %q is not a name or glob", p)
		}
		if len(names) == 0 {
			continue
		}
		hit := false
		for _, n := range names {
			if ok, _ := path.Match(p, n); ok {
				hit = true
			}
		}
		if !hit {
			return fmt.Sprintf("function filter %q matches none of build %d's functions: %s", p, b.ID, strings.Join(names, ", "))
		}
	}
	return ""
}
