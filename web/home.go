package web

import (
	"net/http"

	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/pipeline"
)

// homePage is the data of the home template.
type homePage struct {
	Repos []pipeline.RepoSummary
}

// Home serves GET /: the repositories r may read, the most recently built
// first, each with its latest build.
func (p *Pages) Home(w http.ResponseWriter, r *http.Request) {
	repos, err := api.ReadableRepos(r, p.cfg.Repos, p.cfg.Access)
	if err != nil {
		p.unavailable(w, "list repositories", err)
		return
	}
	p.render(w, http.StatusOK, "home", homePage{Repos: repos})
}
