package gitlabtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// userJSON is the "basic user" GitLab embeds as an author.
type userJSON struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	State     string `json:"state"`
	Locked    bool   `json:"locked"`
	AvatarURL string `json:"avatar_url"`
	WebURL    string `json:"web_url"`
}

// statusJSON is a commit status as GitLab's API returns it; absent
// description, target_url and ref are null, as there.
type statusJSON struct {
	ID           int64    `json:"id"`
	SHA          string   `json:"sha"`
	Ref          *string  `json:"ref"`
	Status       string   `json:"status"`
	Name         string   `json:"name"`
	TargetURL    *string  `json:"target_url"`
	Description  *string  `json:"description"`
	CreatedAt    string   `json:"created_at"`
	StartedAt    *string  `json:"started_at"`
	FinishedAt   *string  `json:"finished_at"`
	AllowFailure bool     `json:"allow_failure"`
	Coverage     *float64 `json:"coverage"`
	PipelineID   int64    `json:"pipeline_id"`
	Author       userJSON `json:"author"`
}

// noteJSON is a merge request note as GitLab's API returns it.
type noteJSON struct {
	ID           int64    `json:"id"`
	Type         *string  `json:"type"`
	Body         string   `json:"body"`
	Attachment   *string  `json:"attachment"`
	Author       userJSON `json:"author"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
	System       bool     `json:"system"`
	NoteableID   int64    `json:"noteable_id"`
	NoteableType string   `json:"noteable_type"`
	ProjectID    int64    `json:"project_id"`
	NoteableIID  int64    `json:"noteable_iid"`
	Resolvable   bool     `json:"resolvable"`
	Confidential bool     `json:"confidential"`
	Internal     bool     `json:"internal"`
	Imported     bool     `json:"imported"`
	ImportedFrom string   `json:"imported_from"`
}

// author is the user of id as GitLab shows it; base is the instance's URL.
func author(base string, id int64) userJSON {
	name := "user" + strconv.FormatInt(id, 10)
	return userJSON{
		ID: id, Username: name, Name: "User " + strconv.FormatInt(id, 10), State: "active",
		AvatarURL: "https://www.gravatar.com/avatar/" + name + "?s=80&d=identicon",
		WebURL:    base + "/" + name,
	}
}

// stamp formats t as GitLab does: UTC, to the millisecond.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func stampOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := stamp(t)
	return &s
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func baseOf(r *http.Request) string { return "http://" + r.Host }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeMessage is GitLab's answer for a refused call: {"message": "..."}.
func writeMessage(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"message": msg})
}

// writeError is GitLab's answer for a missing route or a bad parameter:
// {"error": "..."}.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// writeInvalid is GitLab's answer for a record that fails validation:
// {"message": {"field": ["..."]}}.
func writeInvalid(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]map[string][]string{"message": {field: {msg}}})
}
