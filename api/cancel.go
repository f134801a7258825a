package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ofcbuild/ofc/pipeline"
)

// Cancel serves POST /api/builds/{id}/cancel, for a token of scope
// write: a queued build ends at once, a running one is stopped by its
// builder within a heartbeat and deploys nothing more. Either ends as a
// superseded build does (commit status cancelled), its error naming who
// cancelled it. A build that has ended, or is stopping already, is
// answered 409.
func Cancel(c WriteConfig) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		by, b, ok := c.writerOn(w, r, "a cancel")
		if !ok {
			return
		}
		a, err := c.Actions.CancelBuild(r.Context(), pipeline.Action{Kind: pipeline.ActionCancel, BuildID: b.ID, By: by})
		switch {
		case errors.Is(err, pipeline.ErrNotCancellable):
			msg := fmt.Sprintf("build %d is stopping already", b.ID)
			if b.State.Final() {
				msg = fmt.Sprintf("build %d has ended already, as %s", b.ID, b.State)
			}
			writeError(w, http.StatusConflict, msg+"; nothing to cancel")
			return
		case errors.Is(err, pipeline.ErrNotFound):
			writeError(w, http.StatusNotFound, "no such build")
			return
		case err != nil:
			c.Logger.Error("cancel build", "build_id", b.ID, "by", by, "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not cancel the build; try again")
			return
		}
		c.Logger.Info("build cancelled", "build_id", b.ID, "by", by, "was", b.State)
		out := actionJSON{Action: a, Status: "cancelled", Message: fmt.Sprintf("build %d cancelled by %s", b.ID, by)}
		if b.State == pipeline.Running {
			out.Status = "stopping"
			out.Message = fmt.Sprintf("build %d is stopping: cancelled by %s, its builder stops it at its next heartbeat", b.ID, by)
		}
		writeJSON(w, http.StatusAccepted, out)
	}
}

// ListActions serves GET /api/builds/{id}/actions: what users asked of the
// build, or that made it, with who asked, oldest first. It is read with
// the build's right.
func ListActions(c WriteConfig) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, ok := c.target(w, r)
		if !ok {
			return
		}
		list, err := c.Actions.Actions(r.Context(), b.ID)
		if err != nil {
			c.Logger.Error("read actions", "build_id", b.ID, "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not read the actions")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"actions": list})
	}
}
