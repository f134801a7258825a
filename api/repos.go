package api

import (
	"log/slog"
	"net/http"

	"github.com/ofcbuild/ofc/pipeline"
)

// ListRepos serves GET /api/repos: the repositories r may read, each with
// its latest build, the most recently built first.
func ListRepos(repos pipeline.RepoLister, access Access, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		list, err := ReadableRepos(r, repos, access)
		if err != nil {
			log.Error("list repositories", "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not list repositories")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"repos": list})
	}
}

// ReadableRepos lists the repositories r may read; none is an empty list.
func ReadableRepos(r *http.Request, repos pipeline.RepoLister, access Access) ([]pipeline.RepoSummary, error) {
	all, err := repos.ListRepos(r.Context())
	if err != nil {
		return nil, err
	}
	out := []pipeline.RepoSummary{}
	for _, s := range all {
		if access.CanReadRepo(r, s.Repo) {
			out = append(out, s)
		}
	}
	return out, nil
}
