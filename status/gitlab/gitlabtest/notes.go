package gitlabtest

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxNote is the longest note GitLab takes, in characters.
const maxNote = 1_000_000

// Note is a merge request note as it stands.
type Note struct {
	ID      int64
	Project string
	IID     int
	Body    string
	// Edits counts the calls that changed the note after it was written.
	Edits int
	// Token is the token its author wrote it with.
	Token   string
	Created time.Time
	Updated time.Time

	author int64
}

func (s *Server) listNotes(w http.ResponseWriter, r *http.Request, _ int64) {
	p, ok := readParams(w, r)
	if !ok {
		return
	}
	orderBy, ok := p.oneOf(w, "order_by", "created_at", "created_at", "updated_at")
	if !ok {
		return
	}
	sort, ok := p.oneOf(w, "sort", "desc", "asc", "desc")
	if !ok {
		return
	}
	proj, iid, ok := s.mergeRequest(w, r)
	if !ok {
		return
	}
	notes := s.Notes(proj.Path, iid)
	slices.SortStableFunc(notes, func(a, b Note) int {
		c := a.Created.Compare(b.Created)
		if orderBy == "updated_at" {
			c = a.Updated.Compare(b.Updated)
		}
		c = cmp.Or(c, cmp.Compare(a.ID, b.ID))
		if sort == "desc" {
			return -c
		}
		return c
	})
	page := paginate(w, r, notes)
	out := make([]noteJSON, 0, len(page))
	for _, n := range page {
		out = append(out, n.json(proj, baseOf(r)))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createNote(w http.ResponseWriter, r *http.Request, user int64) {
	body, ok := noteBody(w, r)
	if !ok {
		return
	}
	proj, iid, ok := s.mergeRequest(w, r)
	if !ok || !validNote(w, body) {
		return
	}
	t := now()
	s.mu.Lock()
	n := Note{ID: int64(len(s.notes) + 1), Project: proj.Path, IID: iid, Body: body,
		Token: s.users[user-1], Created: t, Updated: t, author: user}
	s.notes = append(s.notes, n)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, n.json(proj, baseOf(r)))
}

func (s *Server) editNote(w http.ResponseWriter, r *http.Request, user int64) {
	id, err := strconv.ParseInt(r.PathValue("note_id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "note_id is invalid")
		return
	}
	body, ok := noteBody(w, r)
	if !ok {
		return
	}
	proj, iid, ok := s.mergeRequest(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	i := slices.IndexFunc(s.notes, func(n Note) bool {
		return n.ID == id && n.IID == iid && strings.EqualFold(n.Project, proj.Path)
	})
	author := int64(0)
	if i >= 0 {
		author = s.notes[i].author
	}
	s.mu.Unlock()
	switch {
	case i < 0:
		writeMessage(w, http.StatusNotFound, "404 Note Not Found")
		return
	case author != user:
		// Only its author may edit a note.
		writeMessage(w, http.StatusForbidden, "403 Forbidden")
		return
	case !validNote(w, body):
		return
	}
	s.mu.Lock()
	n := &s.notes[i]
	n.Body, n.Updated = body, now()
	n.Edits++
	out := *n
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out.json(proj, baseOf(r)))
}

// mergeRequest resolves the route's project and merge request iid,
// answering itself when there is none.
func (s *Server) mergeRequest(w http.ResponseWriter, r *http.Request) (project, int, bool) {
	iid, err := strconv.Atoi(r.PathValue("iid"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "noteable_id is invalid")
		return project{}, 0, false
	}
	proj, ok := s.project(w, r)
	if !ok {
		return project{}, 0, false
	}
	if iid <= 0 {
		writeMessage(w, http.StatusNotFound, "404 Merge Request Not Found")
		return project{}, 0, false
	}
	return proj, iid, true
}

// noteBody reads the required body parameter.
func noteBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	p, ok := readParams(w, r)
	if !ok {
		return "", false
	}
	body, present, ok := p.str("body")
	switch {
	case !present:
		writeError(w, http.StatusBadRequest, "body is missing")
		return "", false
	case !ok:
		writeError(w, http.StatusBadRequest, "body is invalid")
		return "", false
	}
	return body, true
}

// validNote refuses, as the note's validation does, an empty or too long
// note.
func validNote(w http.ResponseWriter, body string) bool {
	switch {
	case strings.TrimSpace(body) == "":
		writeInvalid(w, "note", "can't be blank")
		return false
	case utf8.RuneCountInString(body) > maxNote:
		writeInvalid(w, "note", "is too long (maximum is 1000000 characters)")
		return false
	}
	return true
}

func (n Note) json(proj project, base string) noteJSON {
	return noteJSON{
		ID: n.ID, Body: n.Body, Author: author(base, n.author),
		CreatedAt: stamp(n.Created), UpdatedAt: stamp(n.Updated),
		// Merge requests have no ids of their own here: derive a stable one.
		NoteableID: proj.ID*100_000 + int64(n.IID), NoteableType: "MergeRequest",
		ProjectID: proj.ID, NoteableIID: int64(n.IID), ImportedFrom: "none",
	}
}
