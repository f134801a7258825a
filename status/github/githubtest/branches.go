package githubtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const docsBranches = "https://docs.github.com/rest/branches/branches#list-branches"

// branchJSON is a branch as GitHub lists it to a caller without admin
// rights on the repository.
type branchJSON struct {
	Name      string           `json:"name"`
	Commit    branchCommitJSON `json:"commit"`
	Protected bool             `json:"protected"`
}

type branchCommitJSON struct {
	SHA string `json:"sha"`
	URL string `json:"url"`
}

// SetBranch points branch of owner/repo at commit sha, creating the
// repository if it has no branch yet; an empty sha deletes the branch,
// leaving the repository. Owner and repository compare case-blind, as on
// GitHub; branch names do not.
func (s *Server) SetBranch(owner, repo, branch, sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := repoKey(owner, repo)
	if s.branches == nil {
		s.branches = make(map[string]map[string]string)
	}
	heads, ok := s.branches[key]
	if !ok {
		heads = make(map[string]string)
		s.branches[key] = heads
	}
	if sha == "" {
		delete(heads, branch)
		return
	}
	heads[branch] = sha
}

// branchRoutes adds the branch endpoints to mux.
func (s *Server) branchRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /repos/{owner}/{repo}/branches", s.listBranches)
}

// listBranches answers as GitHub does for a public repository: no token
// is needed, but one that is given must be good. Branches come sorted by
// name, as git sorts refs.
func (s *Server) listBranches(w http.ResponseWriter, r *http.Request) {
	if h := r.Header.Get("Authorization"); h != "" {
		if token, ok := bearer(h); !ok || !s.authorise(token) {
			writeError(w, http.StatusUnauthorized, "Bad credentials", docsRoot, nil)
			return
		}
	}
	if code := s.failure(); code != 0 {
		writeError(w, code, http.StatusText(code), docsRoot, nil)
		return
	}
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	s.mu.Lock()
	heads, ok := s.branches[repoKey(owner, repo)]
	names := make([]string, 0, len(heads))
	for name := range heads {
		names = append(names, name)
	}
	slices.Sort(names)
	all := make([]branchJSON, 0, len(names))
	base := baseOf(r)
	for _, name := range names {
		sha := heads[name]
		all = append(all, branchJSON{Name: name, Commit: branchCommitJSON{
			SHA: sha, URL: base + "/repos/" + owner + "/" + repo + "/commits/" + sha,
		}})
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", docsBranches, nil)
		return
	}
	page, perPage := pageOf(r)
	start := min((page-1)*perPage, len(all))
	end := min(start+perPage, len(all))
	if link := pageLinks(r, page, perPage, len(all)); link != "" {
		w.Header().Set("Link", link)
	}
	writeJSON(w, http.StatusOK, all[start:end])
}

// pageLinks is GitHub's Link header for page of a list of total items:
// prev, next, last and first as they apply, none for a single page.
func pageLinks(r *http.Request, page, perPage, total int) string {
	pages := max(1, (total+perPage-1)/perPage)
	if pages == 1 {
		return ""
	}
	link := func(n int, rel string) string {
		q := r.URL.Query()
		q.Set("per_page", strconv.Itoa(perPage))
		q.Set("page", strconv.Itoa(n))
		return `<` + baseOf(r) + r.URL.Path + "?" + q.Encode() + `>; rel="` + rel + `"`
	}
	var links []string
	if page > 1 {
		links = append(links, link(min(page-1, pages), "prev"))
	}
	if page < pages {
		links = append(links, link(page+1, "next"), link(pages, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"))
	}
	return strings.Join(links, ", ")
}

// repoKey names a repository case-blind, as GitHub does.
func repoKey(owner, repo string) string {
	return strings.ToLower(owner) + "/" + strings.ToLower(repo)
}
