package gitlabtest

import (
	"net/http"
	"strconv"
	"strings"
)

// project is a project as a route named it.
type project struct {
	ID   int64
	Path string
}

// projectByPath must be called with s.mu held. Full paths compare
// case-blind, as on GitLab.
func (s *Server) projectByPath(path string) int64 {
	for i, p := range s.projects {
		if strings.EqualFold(p, path) {
			return int64(i + 1)
		}
	}
	s.projects = append(s.projects, path)
	return int64(len(s.projects))
}

// project resolves the route's {id}, which the mux has unescaped: a full
// path ("group/sub/repo", which exists once named) or a number (which must
// have been given). It answers 404 itself when there is no such project.
func (s *Server) project(w http.ResponseWriter, r *http.Request) (project, bool) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if validPath(id) {
		n := s.projectByPath(id)
		return project{ID: n, Path: s.projects[n-1]}, true
	}
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 && n <= int64(len(s.projects)) {
		return project{ID: n, Path: s.projects[n-1]}, true
	}
	writeMessage(w, http.StatusNotFound, "404 Project Not Found")
	return project{}, false
}

// validPath reports whether id is a namespace and a project name, each
// part non-empty.
func validPath(id string) bool {
	parts := strings.Split(id, "/")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return false
		}
	}
	return true
}
