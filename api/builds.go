// Package api serves the read side of the build service as JSON: builds,
// their functions, and the health of the service.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/ofcbuild/ofc/pipeline"
)

// maxLimit bounds one page of builds.
const maxLimit = 200

// ListBuilds serves GET /api/builds?owner=&repo=&limit=: a repository's
// latest builds, newest first.
func ListBuilds(builds pipeline.BuildReader, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		owner, repo := q.Get("owner"), q.Get("repo")
		if owner == "" || repo == "" {
			writeError(w, http.StatusBadRequest, "owner and repo are required")
			return
		}
		limit := 50
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > maxLimit {
				writeError(w, http.StatusBadRequest, "limit must be a number from 1 to "+strconv.Itoa(maxLimit))
				return
			}
			limit = n
		}
		list, err := builds.ListBuilds(r.Context(), owner, repo, limit)
		if err != nil {
			log.Error("list builds", "owner", owner, "repo", repo, "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not list builds")
			return
		}
		if list == nil {
			list = []pipeline.Build{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"builds": list})
	}
}

// GetBuild serves GET /api/builds/{id}: one build with its functions.
func GetBuild(builds pipeline.BuildReader, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id < 1 {
			writeError(w, http.StatusNotFound, "no such build")
			return
		}
		b, err := builds.GetBuild(r.Context(), id)
		if errors.Is(err, pipeline.ErrNotFound) {
			writeError(w, http.StatusNotFound, "no such build")
			return
		}
		if err != nil {
			log.Error("get build", "build_id", id, "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not read the build")
			return
		}
		writeJSON(w, http.StatusOK, b)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
