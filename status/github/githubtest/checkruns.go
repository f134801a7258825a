package githubtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	docsCheckCreate = "https://docs.github.com/rest/checks/runs#create-a-check-run"
	docsCheckUpdate = "https://docs.github.com/rest/checks/runs#update-a-check-run"
	docsCheckList   = "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference"
	// maxCheckOutput is GitHub's limit on a summary or text, in bytes.
	maxCheckOutput = 65535
)

var (
	checkStatuses    = []string{"queued", "in_progress", "completed"}
	checkConclusions = []string{"action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"}
)

// CheckRun is one check run as it stands after every call that wrote it.
type CheckRun struct {
	ID      int64
	Owner   string
	Repo    string
	HeadSHA string
	Name    string
	// Status is queued, in_progress or completed; Conclusion is set once
	// completed.
	Status     string
	Conclusion string
	Title      string
	Summary    string
	Text       string
	DetailsURL string
	// Token is the token of the last request that wrote the run.
	Token string
	// Updates counts the PATCHes since its creation.
	Updates     int
	StartedAt   time.Time
	CompletedAt time.Time
	// app is the GitHub App whose installation token created the run.
	app int64
}

// CheckRuns returns the check runs on commit sha, in any repository, in
// the order they were created.
func (s *Server) CheckRuns(sha string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CheckRun
	for _, run := range s.checkRuns {
		if run.HeadSHA == sha {
			out = append(out, run)
		}
	}
	return out
}

// checkRunRoutes adds the check run endpoints to mux.
func (s *Server) checkRunRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /repos/{owner}/{repo}/check-runs", s.guard(s.createCheckRun))
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/check-runs/{id}", s.guard(s.updateCheckRun))
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", s.guard(s.listCheckRuns))
}

// checkRunIn is the body of a create or update; absent fields are nil.
type checkRunIn struct {
	Name        *string    `json:"name"`
	HeadSHA     *string    `json:"head_sha"`
	DetailsURL  *string    `json:"details_url"`
	Status      *string    `json:"status"`
	Conclusion  *string    `json:"conclusion"`
	StartedAt   *time.Time `json:"started_at"`
	CompletedAt *time.Time `json:"completed_at"`
	Output      *struct {
		Title   *string `json:"title"`
		Summary *string `json:"summary"`
		Text    *string `json:"text"`
	} `json:"output"`
}

func (s *Server) createCheckRun(w http.ResponseWriter, r *http.Request) {
	in, ok := decodeCheckRun(w, r, docsCheckCreate)
	if !ok {
		return
	}
	if missing := missingField([]string{"name", "head_sha"}, in.Name, in.HeadSHA); missing != "" {
		invalidRequest(w, docsCheckCreate, missing)
		return
	}
	if !shaRe.MatchString(*in.HeadSHA) {
		writeError(w, http.StatusUnprocessableEntity, "No commit found for SHA: "+*in.HeadSHA, docsCheckCreate, nil)
		return
	}
	run := CheckRun{Owner: r.PathValue("owner"), Repo: r.PathValue("repo"), HeadSHA: *in.HeadSHA, Status: "queued"}
	if !apply(w, &run, in, docsCheckCreate) {
		return
	}
	run.Token, _ = bearer(r.Header.Get("Authorization"))
	s.mu.Lock()
	run.ID = int64(len(s.checkRuns) + 1)
	run.app = s.issued[run.Token]
	s.checkRuns = append(s.checkRuns, run)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, checkRunJSONOf(run, baseOf(r)))
}

func (s *Server) updateCheckRun(w http.ResponseWriter, r *http.Request) {
	in, ok := decodeCheckRun(w, r, docsCheckUpdate)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.checkRuns, func(run CheckRun) bool {
		return run.ID == id && strings.EqualFold(run.Owner, r.PathValue("owner")) && strings.EqualFold(run.Repo, r.PathValue("repo"))
	})
	if i < 0 {
		writeError(w, http.StatusNotFound, "Not Found", docsCheckUpdate, nil)
		return
	}
	run := s.checkRuns[i]
	if !apply(w, &run, in, docsCheckUpdate) {
		return
	}
	run.Token, _ = bearer(r.Header.Get("Authorization"))
	run.Updates++
	s.checkRuns[i] = run
	writeJSON(w, http.StatusOK, checkRunJSONOf(run, baseOf(r)))
}

func (s *Server) listCheckRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := q.Get("filter")
	if filter != "" && filter != "latest" && filter != "all" {
		invalidRequest(w, docsCheckList, "filter must be one of latest, all.")
		return
	}
	owner, repo, ref := r.PathValue("owner"), r.PathValue("repo"), r.PathValue("ref")
	s.mu.Lock()
	var runs []CheckRun
	seen := map[string]bool{}
	// Newest first; "latest", the default, keeps each name's newest run.
	for _, run := range slices.Backward(s.checkRuns) {
		if run.HeadSHA != ref || !strings.EqualFold(run.Owner, owner) || !strings.EqualFold(run.Repo, repo) ||
			(q.Has("check_name") && run.Name != q.Get("check_name")) || (filter != "all" && seen[run.Name]) {
			continue
		}
		seen[run.Name] = true
		if !q.Has("status") || run.Status == q.Get("status") {
			runs = append(runs, run)
		}
	}
	s.mu.Unlock()

	perPage, page := paging(r)
	start := min((page-1)*perPage, len(runs))
	end := min(start+perPage, len(runs))
	if end < len(runs) {
		next := *r.URL
		q.Set("page", strconv.Itoa(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", `<http://`+r.Host+next.RequestURI()+`>; rel="next"`)
	}
	out := checkRunListJSON{TotalCount: len(runs), CheckRuns: make([]checkRunJSON, 0, end-start)}
	for _, run := range runs[start:end] {
		out.CheckRuns = append(out.CheckRuns, checkRunJSONOf(run, baseOf(r)))
	}
	writeJSON(w, http.StatusOK, out)
}

func decodeCheckRun(w http.ResponseWriter, r *http.Request, docs string) (checkRunIn, bool) {
	var in checkRunIn
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", docs, nil)
		return in, false
	}
	return in, true
}

// apply validates in as GitHub does and writes it over run; on a refusal
// it answers and leaves run as it was.
func apply(w http.ResponseWriter, run *CheckRun, in checkRunIn, docs string) bool {
	next := *run
	if in.Name != nil && *in.Name != "" {
		next.Name = *in.Name
	}
	if in.DetailsURL != nil {
		next.DetailsURL = *in.DetailsURL
	}
	if in.Status != nil {
		if !slices.Contains(checkStatuses, *in.Status) {
			invalidRequest(w, docs, "For 'properties/status', "+strconv.Quote(*in.Status)+" is not one of "+quoted(checkStatuses)+".")
			return false
		}
		next.Status = *in.Status
		if next.Status != "completed" {
			next.Conclusion, next.CompletedAt = "", time.Time{}
		}
	}
	if in.Conclusion != nil {
		if !slices.Contains(checkConclusions, *in.Conclusion) {
			invalidRequest(w, docs, "For 'properties/conclusion', "+strconv.Quote(*in.Conclusion)+" is not one of "+quoted(checkConclusions)+".")
			return false
		}
		// A conclusion completes the run, whatever the status said.
		next.Status, next.Conclusion = "completed", *in.Conclusion
	}
	if next.Status == "completed" && next.Conclusion == "" {
		invalidRequest(w, docs, `"conclusion" wasn't supplied.`)
		return false
	}
	if out := in.Output; out != nil {
		if missing := missingField([]string{"title", "summary"}, out.Title, out.Summary); missing != "" {
			invalidRequest(w, docs, missing)
			return false
		}
		for i, v := range []*string{out.Summary, out.Text} {
			if field := []string{"summary", "text"}[i]; v != nil && len(*v) > maxCheckOutput {
				writeError(w, http.StatusUnprocessableEntity, "Validation Failed", docs, []fieldError{{Resource: "CheckRun",
					Code: "custom", Field: field, Message: field + " exceeds a maximum bytesize of " + strconv.Itoa(maxCheckOutput)}})
				return false
			}
		}
		next.Title, next.Summary, next.Text = *out.Title, *out.Summary, deref(out.Text)
	}
	now := time.Now().UTC().Truncate(time.Second)
	if in.StartedAt != nil {
		next.StartedAt = in.StartedAt.UTC()
	} else if next.StartedAt.IsZero() {
		next.StartedAt = now
	}
	if next.Status == "completed" && (in.CompletedAt != nil || next.CompletedAt.IsZero()) {
		next.CompletedAt = now
		if in.CompletedAt != nil {
			next.CompletedAt = in.CompletedAt.UTC()
		}
	}
	*run = next
	return true
}

// missingField says which of the named required fields is absent or
// empty, in GitHub's words, or "" when none is.
func missingField(names []string, values ...*string) string {
	for i, v := range values {
		if v == nil || *v == "" {
			return strconv.Quote(names[i]) + " wasn't supplied."
		}
	}
	return ""
}

// invalidRequest is how GitHub refuses a body that breaks the endpoint's
// schema.
func invalidRequest(w http.ResponseWriter, docs, why string) {
	writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n"+why, docs, nil)
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
