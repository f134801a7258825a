// Package web serves the build history as HTML pages: the repositories,
// each one's builds, and a build with its functions and its log, followed
// live while the build runs. The pages are rendered on the server and read
// as well without JavaScript; the one script follows a running build's log.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/pipeline"
)

//go:embed templates/*.html
var templateFS embed.FS

// followJS follows a running build's log. It is the only script, and the
// Content-Security-Policy allows it by its hash and nothing else.
//
//go:embed follow.js
var followJS string

// LogReader is how pages read logs: pages of lines, and where a log ends,
// so that a long log's page can show its end, where a failure's error is.
// Safe for concurrent use.
type LogReader interface {
	pipeline.LogReader
	// LastLogSeq is the Seq of build id's last stored line, 0 for none.
	LastLogSeq(ctx context.Context, id int64) (int64, error)
}

// Config is what the pages read from.
type Config struct {
	Builds pipeline.BuildReader
	Repos  pipeline.RepoLister
	Logs   LogReader
	Access api.Access
	// FunctionsURL is the gateway's public URL: a deployed function
	// answers at FunctionsURL/function/<deploy name>.
	FunctionsURL string
	Logger       *slog.Logger
	// Now is the clock a running build's duration is measured by; nil is
	// time.Now.
	Now func() time.Time
}

// Pages serves the HTML pages. Safe for concurrent use.
type Pages struct {
	cfg   Config
	pages map[string]*template.Template
	csp   string
}

// New parses the templates and returns the pages of cfg.
func New(cfg Config) (*Pages, error) {
	if cfg.Builds == nil || cfg.Repos == nil || cfg.Logs == nil || cfg.Access == nil || cfg.Logger == nil {
		return nil, errors.New("web: Builds, Repos, Logs, Access and Logger are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	p := &Pages{cfg: cfg, pages: map[string]*template.Template{}}
	funcs := viewFuncs(cfg.Now)
	for _, name := range []string{"home", "repo", "build", "error"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		p.pages[name] = t
	}
	sum := sha256.Sum256([]byte(followJS))
	p.csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	return p, nil
}

// render writes page name with data. The page is rendered before anything
// is written, so that a template error is a clean 500.
func (p *Pages) render(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := p.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		p.cfg.Logger.Error("render page", "page", name, "err", err)
		http.Error(w, "the page could not be shown", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", p.csp)
	// A signed link's query must not travel to the forge with a click on
	// a commit.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// errorPage is the data of the error template.
type errorPage struct {
	Title, Message string
}

// notFound answers 404: for what does not exist and for what r may not
// read alike, so that private repositories are not disclosed.
func (p *Pages) notFound(w http.ResponseWriter) {
	p.render(w, http.StatusNotFound, "error", errorPage{"Not found", "There is nothing here, or nothing you may read."})
}

// unavailable answers 503 when the store fails, after logging why.
func (p *Pages) unavailable(w http.ResponseWriter, what string, err error, args ...any) {
	p.cfg.Logger.Error(what, append(args, "err", err)...)
	p.render(w, http.StatusServiceUnavailable, "error", errorPage{"Unavailable", "The build history cannot be read just now. Try again shortly."})
}
