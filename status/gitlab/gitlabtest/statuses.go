package gitlabtest

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"
)

// maxField is the longest description and target URL GitLab takes.
const maxField = 255

var shaRe = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)

// Status is one accepted call setting a commit status.
type Status struct {
	// ID is the commit status the call set: a call that moves an open
	// status (pending to running, running to success) has its ID.
	ID int64
	// Project is the project's full path, as it was first named.
	Project string
	SHA     string
	// State, Name, Description, TargetURL and Ref are as decoded from the
	// request; Name is "default" when the request had none, as on GitLab.
	State       string
	Name        string
	Description string
	TargetURL   string
	Ref         string
	// Token is the token the call was authorised with.
	Token     string
	CreatedAt time.Time
}

// Latest returns, for each name of statuses, the newest: what GitLab shows
// on the commit.
func Latest(statuses []Status) map[string]Status {
	latest := make(map[string]Status)
	for _, st := range statuses {
		latest[st.Name] = st
	}
	return latest
}

// statusRow is a commit status as GitLab stores it.
type statusRow struct {
	id, project, pipeline, user                   int64
	sha, ref, name, state, description, targetURL string
	created, started, finished                    time.Time
}

func (s *Server) createStatus(w http.ResponseWriter, r *http.Request, user int64) {
	p, ok := readParams(w, r)
	if !ok {
		return
	}
	if _, present, _ := p.str("state"); !present {
		writeError(w, http.StatusBadRequest, "state is missing")
		return
	}
	state, ok := p.oneOf(w, "state", "", "pending", "running", "success", "failed", "canceled", "skipped")
	if !ok {
		return
	}
	in, ok := p.text(w, "name", "context", "ref", "target_url", "description")
	if !ok {
		return
	}
	proj, ok := s.project(w, r)
	if !ok {
		return
	}
	sha := r.PathValue("sha")
	if !shaRe.MatchString(sha) {
		writeMessage(w, http.StatusNotFound, "404 Commit Not Found")
		return
	}
	call := Status{Project: proj.Path, SHA: sha, State: state, Name: in["name"], Description: in["description"],
		TargetURL: in["target_url"], Ref: in["ref"], Token: s.tokenOf(user)}
	if call.Name == "" {
		call.Name = in["context"]
	}
	if call.Name == "" {
		call.Name = "default"
	}
	if field, msg := validateStatus(call); field != "" {
		writeInvalid(w, field, msg)
		return
	}
	row, err := s.setStatus(proj, call, user)
	if err != "" {
		writeMessage(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusCreated, rowJSON(row, baseOf(r)))
}

// validateStatus returns the field GitLab would refuse and why.
func validateStatus(st Status) (field, msg string) {
	if utf8.RuneCountInString(st.Description) > maxField {
		return "description", fmt.Sprintf("is too long (maximum is %d characters)", maxField)
	}
	if st.TargetURL != "" {
		u, err := url.Parse(st.TargetURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "target_url", "is blocked: Only allowed schemes are http, https"
		}
		if len(st.TargetURL) > maxField {
			return "target_url", fmt.Sprintf("is too long (maximum is %d characters)", maxField)
		}
	}
	return "", ""
}

// setStatus applies call to the open status of its name and ref, or to a
// new one, following GitLab's transitions; it returns GitLab's refusal.
func (s *Server) setStatus(proj project, call Status, user int64) (statusRow, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := call.Ref
	if ref == "" {
		// GitLab takes the ref of the commit's pipeline.
		for _, row := range s.rows {
			if row.project == proj.ID && row.sha == call.SHA {
				ref = row.ref
			}
		}
	}
	i := s.openRow(proj.ID, call.SHA, ref, call.Name)
	row := statusRow{state: "created", project: proj.ID, sha: call.SHA, ref: ref, name: call.Name,
		pipeline: s.pipelineOf(proj.ID, call.SHA, ref), created: now()}
	if i >= 0 {
		row = s.rows[i]
	}
	to, err := transition(row.state, call.State)
	if err != "" {
		return statusRow{}, err
	}
	row.state, row.user, row.description, row.targetURL = to, user, call.Description, call.TargetURL
	switch to {
	case "running":
		row.started = now()
	case "success", "failed", "canceled", "skipped":
		row.finished = now()
	}
	if i >= 0 {
		s.rows[i] = row
	} else {
		row.id = int64(len(s.rows) + 1)
		s.rows = append(s.rows, row)
	}
	call.ID, call.CreatedAt = row.id, now()
	s.calls = append(s.calls, call)
	close(s.changed)
	s.changed = make(chan struct{})
	return row, ""
}

// transitions is GitLab's state machine of a commit status: the event a
// requested state fires, and the states it may fire from ("created" is a
// status not yet stored). Running fires enqueue quietly first, so it may
// start from created.
var transitions = map[string]struct {
	event string
	from  []string
}{
	"pending":  {"enqueue", []string{"created"}},
	"running":  {"run", []string{"created", "pending"}},
	"success":  {"success", []string{"created", "pending", "running"}},
	"failed":   {"drop", []string{"created", "pending", "running"}},
	"canceled": {"cancel", []string{"created", "pending", "running"}},
	"skipped":  {"skip", []string{"created", "pending"}},
}

// transition returns the state a status in state from moves to when to
// is asked, or GitLab's refusal.
func transition(from, to string) (string, string) {
	t := transitions[to]
	if !slices.Contains(t.from, from) {
		return "", fmt.Sprintf("Cannot transition status via :%s from :%s (Reason(s): Status cannot transition via %q)", t.event, from, t.event)
	}
	return to, ""
}

// openRow returns the index of the pending or running status of name and
// ref, or -1. s.mu must be held.
func (s *Server) openRow(proj int64, sha, ref, name string) int {
	for i, row := range s.rows {
		if row.project == proj && row.sha == sha && row.ref == ref && row.name == name &&
			(row.state == "pending" || row.state == "running") {
			return i
		}
	}
	return -1
}

// pipelineOf returns the pipeline of sha at ref, the one GitLab makes for
// external statuses when there is none. s.mu must be held.
func (s *Server) pipelineOf(proj int64, sha, ref string) int64 {
	var last int64
	for _, row := range s.rows {
		if row.project == proj && row.sha == sha && row.ref == ref {
			return row.pipeline
		}
		last = max(last, row.pipeline)
	}
	return last + 1
}

func (s *Server) tokenOf(user int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[user-1]
}
