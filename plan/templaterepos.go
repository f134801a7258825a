package plan

import (
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/stack"
	"github.com/ofcbuild/ofc/template"
)

// remote are the template repositories a function of s may take its
// template from, nil when the planner fetches none. Each is fetched
// only when a function's template is not found before it.
func (p *Planner) remote(ev pipeline.Event, s *stack.Stack) *template.Remote {
	if p.cfg.TemplateFetcher == nil {
		return nil
	}
	named := make([]template.Named, 0, len(s.Configuration.Templates))
	for _, src := range s.Configuration.Templates {
		repo, err := template.ParseRepository(src.Source)
		if err != nil {
			// Kept as written: the fetch refuses it, with why, and
			// fails only the functions that need it.
			u, ref, _ := strings.Cut(strings.TrimSpace(src.Source), "#")
			repo = template.Repository{URL: u, Ref: ref}
		}
		named = append(named, template.Named{Name: src.Name, Repository: repo})
	}
	return &template.Remote{Fetcher: p.cfg.TemplateFetcher, Store: p.cfg.TemplateStore, Event: ev,
		Stack: named, Installation: p.cfg.TemplateRepos}
}
