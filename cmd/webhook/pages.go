package main

import (
	"log/slog"
	"net/http"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/web"
)

// readStore is what the read side reads: the store.
type readStore interface {
	pipeline.BuildReader
	pipeline.RepoLister
	web.LogReader
}

// mountReadSide registers the HTML pages and the JSON API of the build
// history on mux, and returns the access rules they follow, for the other
// read handlers (the log) to follow too.
func mountReadSide(mux *http.ServeMux, cfg config, st readStore, log *slog.Logger) (*access.Checker, error) {
	if cfg.LinkKey == nil {
		log.Warn("OFC_LINK_KEY_FILE is not set: signed links to builds are refused; private repositories are read with an API token only")
	}
	acc := access.New(access.Config{Links: access.NewSigner(cfg.LinkKey), Scoped: cfg.APITokens})
	pages, err := web.New(web.Config{Builds: st, Repos: st, Logs: st, Access: acc, FunctionsURL: cfg.FunctionsURL, Logger: log})
	if err != nil {
		return nil, err
	}
	mux.HandleFunc("GET /{$}", pages.Home)
	mux.HandleFunc("GET /repos/{provider}/{path...}", pages.Repo)
	mux.HandleFunc("GET /builds/{id}", pages.Build)
	mux.HandleFunc("GET /api/repos", api.ListRepos(st, acc, log))
	mux.HandleFunc("GET /api/builds", api.ListBuilds(st, acc, log))
	mux.HandleFunc("GET /api/builds/{id}", api.GetBuild(st, acc, cfg.FunctionsURL, log))
	return acc, nil
}
