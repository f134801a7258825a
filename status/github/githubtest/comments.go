package githubtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const docsComments = "https://docs.github.com/rest/issues/comments"

// Comment is one issue or pull request comment as it stands.
type Comment struct {
	ID      int64
	Owner   string
	Repo    string
	Number  int
	Body    string
	Edits   int
	Created time.Time
	Updated time.Time
}

// commentJSON is a comment as GitHub's API returns it (the fields a client
// reads).
type commentJSON struct {
	ID        int64    `json:"id"`
	NodeID    string   `json:"node_id"`
	URL       string   `json:"url"`
	HTMLURL   string   `json:"html_url"`
	IssueURL  string   `json:"issue_url"`
	Body      string   `json:"body"`
	User      userJSON `json:"user"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

// Comments returns the comments of pull request (or issue) number of
// owner/repo, oldest first.
func (s *Server) Comments(owner, repo string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.comments {
		if c.Number == number && strings.EqualFold(c.Owner, owner) && strings.EqualFold(c.Repo, repo) {
			out = append(out, c)
		}
	}
	return out
}

// commentRoutes adds the issue comment endpoints to mux.
func (s *Server) commentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/comments", s.guard(s.listComments))
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{number}/comments", s.guard(s.createComment))
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/comments/{id}", s.guard(s.editComment))
}

// guard answers as GitHub does without a valid token, or with the failure
// the test asked for.
func (s *Server) guard(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearer(r.Header.Get("Authorization"))
		switch {
		case !ok:
			writeError(w, http.StatusUnauthorized, "Requires authentication", docsComments, nil)
		case !s.authorise(token):
			writeError(w, http.StatusUnauthorized, "Bad credentials", docsRoot, nil)
		case s.failure() != 0:
			writeError(w, s.failure(), http.StatusText(s.failure()), docsRoot, nil)
		default:
			next(w, r)
		}
	}
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request) {
	number, err := strconv.Atoi(r.PathValue("number"))
	if err != nil {
		writeError(w, http.StatusNotFound, "Not Found", docsComments, nil)
		return
	}
	all := s.Comments(r.PathValue("owner"), r.PathValue("repo"), number)
	page, perPage := pageOf(r)
	start := min((page-1)*perPage, len(all))
	end := min(start+perPage, len(all))
	if end < len(all) {
		next := *r.URL
		q := next.Query()
		q.Set("page", strconv.Itoa(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", `<http://`+r.Host+next.RequestURI()+`>; rel="next"`)
	}
	out := make([]commentJSON, 0, end-start)
	for _, c := range all[start:end] {
		out = append(out, s.commentJSON(c, r))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createComment(w http.ResponseWriter, r *http.Request) {
	number, err := strconv.Atoi(r.PathValue("number"))
	body, ok := commentBody(w, r)
	if !ok {
		return
	}
	if err != nil || number <= 0 {
		writeError(w, http.StatusNotFound, "Not Found", docsComments, nil)
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	s.mu.Lock()
	c := Comment{ID: int64(len(s.comments) + 1), Owner: r.PathValue("owner"), Repo: r.PathValue("repo"),
		Number: number, Body: body, Created: now, Updated: now}
	s.comments = append(s.comments, c)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, s.commentJSON(c, r))
}

func (s *Server) editComment(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	body, ok := commentBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	i := slices.IndexFunc(s.comments, func(c Comment) bool {
		return c.ID == id && strings.EqualFold(c.Owner, r.PathValue("owner")) && strings.EqualFold(c.Repo, r.PathValue("repo"))
	})
	if i < 0 {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "Not Found", docsComments, nil)
		return
	}
	s.comments[i].Body, s.comments[i].Updated = body, time.Now().UTC().Truncate(time.Second)
	s.comments[i].Edits++
	c := s.comments[i]
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.commentJSON(c, r))
}

// commentBody decodes {"body": ...}; GitHub refuses a missing body with 422.
func commentBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	var in struct {
		Body *string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", docsComments, nil)
		return "", false
	}
	if in.Body == nil || *in.Body == "" {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed", docsComments,
			[]fieldError{{Resource: "IssueComment", Field: "body", Code: "missing_field"}})
		return "", false
	}
	return *in.Body, true
}

func (s *Server) commentJSON(c Comment, r *http.Request) commentJSON {
	base := "http://" + r.Host
	repo := base + "/repos/" + c.Owner + "/" + c.Repo
	id := strconv.FormatInt(c.ID, 10)
	return commentJSON{
		ID: c.ID, NodeID: "IC_" + id, URL: repo + "/issues/comments/" + id,
		HTMLURL:  "https://github.com/" + c.Owner + "/" + c.Repo + "/pull/" + strconv.Itoa(c.Number) + "#issuecomment-" + id,
		IssueURL: repo + "/issues/" + strconv.Itoa(c.Number), Body: c.Body, User: creator(base, "ofc-bot"),
		CreatedAt: c.Created.Format(time.RFC3339), UpdatedAt: c.Updated.Format(time.RFC3339),
	}
}

// pageOf reads page and per_page as GitHub does (defaults 1 and 30, at
// most 100 per page).
func pageOf(r *http.Request) (page, perPage int) {
	page, perPage = 1, 30
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p > 0 {
		page = p
	}
	if p, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && p > 0 {
		perPage = min(p, 100)
	}
	return page, perPage
}
