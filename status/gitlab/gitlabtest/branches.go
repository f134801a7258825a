package gitlabtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// head is a branch's head commit, and when the branch was set to it.
type head struct {
	sha string
	at  time.Time
}

// repository is a project's branches; the first one set is the default
// branch, as the first push makes it on GitLab.
type repository struct {
	defaultBranch string
	heads         map[string]head
}

// branchJSON is a branch as GitLab's API lists it.
type branchJSON struct {
	Name               string     `json:"name"`
	Commit             commitJSON `json:"commit"`
	Merged             bool       `json:"merged"`
	Protected          bool       `json:"protected"`
	DevelopersCanPush  bool       `json:"developers_can_push"`
	DevelopersCanMerge bool       `json:"developers_can_merge"`
	CanPush            bool       `json:"can_push"`
	Default            bool       `json:"default"`
	WebURL             string     `json:"web_url"`
}

// commitJSON is the commit GitLab embeds in a branch.
type commitJSON struct {
	ID               string              `json:"id"`
	ShortID          string              `json:"short_id"`
	CreatedAt        string              `json:"created_at"`
	ParentIDs        []string            `json:"parent_ids"`
	Title            string              `json:"title"`
	Message          string              `json:"message"`
	AuthorName       string              `json:"author_name"`
	AuthorEmail      string              `json:"author_email"`
	AuthoredDate     string              `json:"authored_date"`
	CommitterName    string              `json:"committer_name"`
	CommitterEmail   string              `json:"committer_email"`
	CommittedDate    string              `json:"committed_date"`
	Trailers         map[string]string   `json:"trailers"`
	ExtendedTrailers map[string][]string `json:"extended_trailers"`
	WebURL           string              `json:"web_url"`
}

// SetBranch points branch of the project at full path (compared
// case-blind, as GitLab does) at commit sha, giving the project a
// repository if it has none yet; an empty sha deletes the branch, leaving
// the repository.
func (s *Server) SetBranch(project, branch, sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.projectByPath(project)
	if s.repos == nil {
		s.repos = make(map[int64]*repository)
	}
	repo, ok := s.repos[id]
	if !ok {
		repo = &repository{defaultBranch: branch, heads: make(map[string]head)}
		s.repos[id] = repo
	}
	if sha == "" {
		delete(repo.heads, branch)
		return
	}
	repo.heads[branch] = head{sha: sha, at: now()}
}

// branchRoutes adds the branch endpoints to mux.
func (s *Server) branchRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+apiPrefix+"/projects/{id}/repository/branches", s.readGuard(s.listBranches))
}

// readGuard is guard for what GitLab serves without a token for a public
// project: a token is optional, but one that is given must be good. The
// handler gets user 0 for an anonymous call.
func (s *Server) readGuard(next handler) http.HandlerFunc {
	guarded := s.guard(next)
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := tokenOf(r); ok {
			guarded(w, r)
			return
		}
		if code := s.failure(); code != 0 {
			fail(w, code)
			return
		}
		next(w, r, 0)
	}
}

// listBranches lists a project's branches sorted by name, GitLab's
// default order. Only a project SetBranch gave a repository is found.
func (s *Server) listBranches(w http.ResponseWriter, r *http.Request, user int64) {
	s.mu.Lock()
	id, ok := s.knownProject(r.PathValue("id"))
	repo := s.repos[id]
	if !ok || repo == nil {
		s.mu.Unlock()
		writeMessage(w, http.StatusNotFound, "404 Project Not Found")
		return
	}
	path := s.projects[id-1]
	names := make([]string, 0, len(repo.heads))
	for name := range repo.heads {
		names = append(names, name)
	}
	slices.Sort(names)
	base := baseOf(r)
	all := make([]branchJSON, 0, len(names))
	for _, name := range names {
		all = append(all, branchOf(base, path, name, repo.heads[name], name == repo.defaultBranch, user != 0))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, paginate(w, r, all))
}

// knownProject resolves a route's {id} as project does, but names no new
// project: a path that was never named has no repository. It must be
// called with s.mu held.
func (s *Server) knownProject(id string) (int64, bool) {
	if validPath(id) {
		i := slices.IndexFunc(s.projects, func(p string) bool { return strings.EqualFold(p, id) })
		return int64(i + 1), i >= 0
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil && n > 0 && n <= int64(len(s.projects))
}

func branchOf(base, path, name string, h head, isDefault, signedIn bool) branchJSON {
	at := stamp(h.at)
	return branchJSON{
		Name: name, Default: isDefault, Protected: isDefault, CanPush: signedIn,
		WebURL: base + "/" + path + "/-/tree/" + name,
		Commit: commitJSON{
			ID: h.sha, ShortID: h.sha[:min(8, len(h.sha))], CreatedAt: at, ParentIDs: []string{},
			Title: "Update " + name, Message: "Update " + name + "\n",
			AuthorName: "Test User", AuthorEmail: "test@example.com", AuthoredDate: at,
			CommitterName: "Test User", CommitterEmail: "test@example.com", CommittedDate: at,
			Trailers: map[string]string{}, ExtendedTrailers: map[string][]string{},
			WebURL: base + "/" + path + "/-/commit/" + h.sha,
		},
	}
}
