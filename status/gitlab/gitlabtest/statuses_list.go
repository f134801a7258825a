package gitlabtest

import (
	"net/http"
)

// listStatuses lists a commit's statuses oldest first: by default the
// newest of each name and ref, with all=true every one.
func (s *Server) listStatuses(w http.ResponseWriter, r *http.Request, _ int64) {
	p, ok := readParams(w, r)
	if !ok {
		return
	}
	in, ok := p.text(w, "ref", "name")
	if !ok {
		return
	}
	all, ok := p.oneOf(w, "all", "false", "true", "false")
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
	s.mu.Lock()
	match := func(row statusRow) bool {
		return row.project == proj.ID && row.sha == sha &&
			(in["ref"] == "" || row.ref == in["ref"]) && (in["name"] == "" || row.name == in["name"])
	}
	newest := map[[2]string]int64{}
	for _, row := range s.rows {
		if match(row) {
			newest[[2]string{row.name, row.ref}] = row.id
		}
	}
	var rows []statusRow
	for _, row := range s.rows {
		if match(row) && (all == "true" || newest[[2]string{row.name, row.ref}] == row.id) {
			rows = append(rows, row)
		}
	}
	s.mu.Unlock()
	page := paginate(w, r, rows)
	out := make([]statusJSON, 0, len(page))
	for _, row := range page {
		out = append(out, rowJSON(row, baseOf(r)))
	}
	writeJSON(w, http.StatusOK, out)
}

func rowJSON(row statusRow, base string) statusJSON {
	return statusJSON{
		ID: row.id, SHA: row.sha, Ref: nullIfEmpty(row.ref), Status: row.state, Name: row.name,
		TargetURL: nullIfEmpty(row.targetURL), Description: nullIfEmpty(row.description),
		CreatedAt: stamp(row.created), StartedAt: stampOrNull(row.started), FinishedAt: stampOrNull(row.finished),
		PipelineID: row.pipeline, Author: author(base, row.user),
	}
}
