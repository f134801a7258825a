// Package api serves the read side of the build service as JSON:
// repositories, builds, their functions, and the health of the service.
// What a request may read is decided by an Access.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// maxLimit bounds one page of builds.
const maxLimit = 200

// ListBuilds serves GET /api/builds?owner=&repo=&provider=&limit=: a
// repository's latest builds, newest first; provider, when given, keeps
// one forge's. Builds r may not read are left out, so that a private
// repository reads as one never built.
func ListBuilds(builds pipeline.BuildReader, access Access, log *slog.Logger) http.HandlerFunc {
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
		writeJSON(w, http.StatusOK, map[string]any{"builds": Readable(r, access, pipeline.Provider(q.Get("provider")), list)})
	}
}

// Readable keeps the builds of list that r may read as their repository's,
// and of provider unless it is empty. It never returns nil, so that none
// encodes as [].
func Readable(r *http.Request, access Access, provider pipeline.Provider, list []pipeline.Build) []pipeline.Build {
	out := []pipeline.Build{}
	for _, b := range list {
		if (provider == "" || b.Repo.Provider == provider) && access.CanReadRepo(r, b.Repo) {
			out = append(out, b)
		}
	}
	return out
}

// GetBuild serves GET /api/builds/{id}: one build with its functions, and
// the URL under functionsURL each deployed function answers at. A build r
// may not read is answered 404, as a missing one.
func GetBuild(builds pipeline.BuildReader, access Access, functionsURL string, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := LookupBuild(r, builds, access)
		if errors.Is(err, pipeline.ErrNotFound) {
			writeError(w, http.StatusNotFound, "no such build")
			return
		}
		if err != nil {
			log.Error("get build", "build_id", r.PathValue("id"), "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not read the build")
			return
		}
		out := buildJSON{Build: b}
		for _, f := range b.Functions {
			out.Functions = append(out.Functions, functionJSON{FunctionBuild: f, URL: FunctionURL(functionsURL, b, f)})
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// buildJSON is a build as GET /api/builds/{id} answers it.
type buildJSON struct {
	pipeline.Build
	Functions []functionJSON `json:"functions,omitempty"`
}

type functionJSON struct {
	pipeline.FunctionBuild
	URL string `json:"url,omitempty"`
}

// LookupBuild reads the build named by r's {id} path value with its
// functions, if r may read it. A malformed id, a missing build and one r
// may not read all give an error wrapping pipeline.ErrNotFound, so that
// the answers cannot be told apart; any other error is the store's.
func LookupBuild(r *http.Request, builds pipeline.BuildReader, access Access) (pipeline.Build, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return pipeline.Build{}, fmt.Errorf("build %q: %w", r.PathValue("id"), pipeline.ErrNotFound)
	}
	b, err := builds.GetBuild(r.Context(), id)
	if err != nil {
		return pipeline.Build{}, err
	}
	if !access.CanReadBuild(r, b) {
		return pipeline.Build{}, fmt.Errorf("build %d: %w", id, pipeline.ErrNotFound)
	}
	return b, nil
}

// FunctionURL is where function f of build b answers, under base (the
// gateway's public URL), or "" when b did not deploy it: f failed, or b
// built a tag or was a cleanup, which deploy nothing. The build does not
// record whether a fork's pull request was deployed; its functions get
// the URL their preview has when it is.
func FunctionURL(base string, b pipeline.Build, f pipeline.FunctionBuild) string {
	if f.State != pipeline.Success || f.DeployName == "" || b.Kind == pipeline.Tag || b.Kind == pipeline.Cleanup {
		return ""
	}
	return strings.TrimRight(base, "/") + "/function/" + f.DeployName
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
