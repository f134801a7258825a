package githubtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	enterprisePrefix = "/api/v3"
	docsCreate       = "https://docs.github.com/rest/commits/statuses#create-a-commit-status"
	docsRoot         = "https://docs.github.com/rest"
	maxDescription   = 140
)

var (
	validStates = map[string]bool{"pending": true, "success": true, "failure": true, "error": true}
	shaRe       = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /repos/{owner}/{repo}/statuses/{sha}", s.createStatus)
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/statuses", s.listStatuses)
	mux.HandleFunc("GET /repos/{owner}/{repo}/statuses/{ref}", s.listStatuses)
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/status", s.combinedStatus)
	s.commentRoutes(mux)
	s.checkRunRoutes(mux)
	s.appRoutes(mux)
	s.branchRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found", docsRoot, nil)
	})
	// GitHub Enterprise serves the same API under /api/v3, which is where
	// go-github sends calls once given a base URL.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, enterprisePrefix); ok && strings.HasPrefix(rest, "/") {
			r = r.Clone(r.Context())
			r.URL.Path, r.URL.RawPath = rest, ""
		}
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		mux.ServeHTTP(rec, r)
		s.log("githubtest: %s %s -> %d", r.Method, r.RequestURI, rec.code)
	})
}

func (s *Server) createStatus(w http.ResponseWriter, r *http.Request) {
	token, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		writeError(w, http.StatusUnauthorized, "Requires authentication", docsCreate, nil)
		return
	}
	if !s.authorise(token) {
		writeError(w, http.StatusUnauthorized, "Bad credentials", docsRoot, nil)
		return
	}
	if code := s.failure(); code != 0 {
		writeError(w, code, http.StatusText(code), docsRoot, nil)
		return
	}
	var body struct {
		State       *string `json:"state"`
		TargetURL   *string `json:"target_url"`
		Description *string `json:"description"`
		Context     *string `json:"context"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", docsCreate, nil)
		return
	}
	sha := r.PathValue("sha")
	if !shaRe.MatchString(sha) {
		writeError(w, http.StatusUnprocessableEntity, "No commit found for SHA: "+sha, docsCreate, nil)
		return
	}
	st := Status{
		Owner:       r.PathValue("owner"),
		Repo:        r.PathValue("repo"),
		SHA:         sha,
		State:       deref(body.State),
		TargetURL:   deref(body.TargetURL),
		Description: deref(body.Description),
		Context:     deref(body.Context),
		Token:       token,
	}
	if st.Context == "" {
		st.Context = "default"
	}
	if !validStates[st.State] {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed", docsCreate,
			[]fieldError{{Resource: "Status", Code: "custom", Field: "state", Message: "state is not included in the list"}})
		return
	}
	if utf8.RuneCountInString(st.Description) > maxDescription {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed", docsCreate,
			[]fieldError{{Resource: "Status", Code: "custom", Field: "description",
				Message: "description is too long (maximum is 140 characters)"}})
		return
	}
	st = s.record(st)
	out := toJSON(st, baseOf(r))
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) listStatuses(w http.ResponseWriter, r *http.Request) {
	list := s.listFor(r.PathValue("owner"), r.PathValue("repo"), r.PathValue("ref"))
	perPage, page := paging(r)
	start := min((page-1)*perPage, len(list))
	end := min(start+perPage, len(list))
	out := make([]statusJSON, 0, end-start)
	for _, st := range list[start:end] {
		out = append(out, toJSON(st, baseOf(r)))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) combinedStatus(w http.ResponseWriter, r *http.Request) {
	owner, repo, ref := r.PathValue("owner"), r.PathValue("repo"), r.PathValue("ref")
	list := s.listFor(owner, repo, ref)
	base := baseOf(r)
	// list is newest first: the first status of a context is its current one.
	seen := map[string]bool{}
	latest := []statusJSON{}
	for _, st := range list {
		if !seen[st.Context] {
			seen[st.Context] = true
			latest = append(latest, toJSON(st, base))
		}
	}
	writeJSON(w, http.StatusOK, combinedJSON{
		State:      combine(latest),
		Statuses:   latest,
		SHA:        ref,
		TotalCount: len(latest),
		Repository: repoJSON{Name: repo, FullName: owner + "/" + repo, Owner: creator(base, owner)},
		CommitURL:  base + "/repos/" + owner + "/" + repo + "/commits/" + ref,
		URL:        base + "/repos/" + owner + "/" + repo + "/commits/" + ref + "/status",
	})
}

// combine is GitHub's rule: failure if any context failed or errored,
// pending if any is pending or there is none, else success.
func combine(latest []statusJSON) string {
	state := "success"
	if len(latest) == 0 {
		return "pending"
	}
	for _, st := range latest {
		switch st.State {
		case "failure", "error":
			return "failure"
		case "pending":
			state = "pending"
		}
	}
	return state
}

// bearer accepts both schemes GitHub does: "token X" and "Bearer X".
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	token = strings.TrimSpace(token)
	if !ok || token == "" {
		return "", false
	}
	if !strings.EqualFold(scheme, "token") && !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	return token, true
}

func paging(r *http.Request) (perPage, page int) {
	perPage, page = 30, 1
	if n, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && n > 0 {
		perPage = min(n, 100)
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 0 {
		page = n
	}
	return perPage, page
}

// baseOf is the API root as the client called it, with the Enterprise
// prefix when the client used it, so that returned URLs work as given.
func baseOf(r *http.Request) string {
	base := "http://" + r.Host
	if strings.HasPrefix(r.RequestURI, enterprisePrefix+"/") {
		base += enterprisePrefix
	}
	return base
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// statusRecorder keeps the status code for the request log.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}
