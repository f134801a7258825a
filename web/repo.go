package web

import (
	"net/http"
	"strings"

	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/pipeline"
)

// repoBuilds is how many of a repository's latest builds its page lists.
const repoBuilds = 50

// repoPage is the data of the repo template.
type repoPage struct {
	Repo   pipeline.Repo
	Builds []pipeline.Build
}

// Repo serves GET /repos/{provider}/{path...}, path being owner/name (a
// GitLab owner may be a group with subgroups: group/sub/name): the
// repository's latest builds. A repository r may not read is not found.
func (p *Pages) Repo(w http.ResponseWriter, r *http.Request) {
	provider := pipeline.Provider(r.PathValue("provider"))
	owner, name, ok := splitRepoPath(r.PathValue("path"))
	if !ok || (provider != pipeline.GitHub && provider != pipeline.GitLab) {
		p.notFound(w)
		return
	}
	list, err := p.cfg.Builds.ListBuilds(r.Context(), owner, name, repoBuilds)
	if err != nil {
		p.unavailable(w, "list builds", err, "owner", owner, "repo", name)
		return
	}
	// The store lists a name's builds on every forge; this page is one
	// forge's repository.
	builds := api.Readable(r, p.cfg.Access, provider, list)
	if len(builds) == 0 {
		p.notFound(w)
		return
	}
	p.render(w, http.StatusOK, "repo", repoPage{Repo: builds[0].Repo, Builds: builds})
}

// splitRepoPath splits "group/sub/name" into owner "group/sub" and name.
func splitRepoPath(path string) (owner, name string, ok bool) {
	path = strings.Trim(path, "/")
	i := strings.LastIndexByte(path, '/')
	if i <= 0 || i == len(path)-1 {
		return "", "", false
	}
	return path[:i], path[i+1:], true
}
