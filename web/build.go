package web

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/pipeline"
)

// Bounds of the log a build page shows, read in pages of logPage lines: a
// log of up to headLines+tailLines lines whole, a longer one its first
// headLines and its last tailLines, where a failure's error is. The rest
// is read through the log's JSON. A page of a few hundred KiB stays quick
// to load however long the log.
const (
	logPage   = 1000
	headLines = 1000
	tailLines = 4000
)

// buildPage is the data of the build template.
type buildPage struct {
	Build     pipeline.Build
	Functions []functionView
	// Timeline draws the functions' stages; nil when none was timed.
	Timeline *timeline
	// RepoPage links the repository's page when r may read it: a signed
	// link opens one build, not its repository.
	RepoPage string
	Streams  []stream
	// LogError says the log could not be read; the rest of the page can.
	LogError bool
	// LogRemoved says the retention policy removed the log, when and why.
	LogRemoved string
	// Hidden is the middle of a long log, which the page leaves out.
	Hidden  *hidden
	LastSeq int64
	// JSONURL and LogURL carry the signed link the page was opened with.
	JSONURL, LogURL string
	// FollowURL is the live log's event stream while the build runs.
	FollowURL string
	Script    template.JS
}

// functionView is one function of the build, with where it answers.
type functionView struct {
	pipeline.FunctionBuild
	URL string
}

// stream is one stream of the log: the build's own (Function "") or a
// function's. Tail holds its lines after the hidden middle of a long log.
type stream struct {
	Function string
	Lines    []pipeline.LogLine
	Tail     []pipeline.LogLine
}

// hidden is the range of lines, From to To, a long log's page leaves out,
// and where they are read.
type hidden struct {
	From, To int64
	URL      string
}

// Build serves GET /builds/{id}: the build, its functions and its log.
// A build r may not read is not found.
func (p *Pages) Build(w http.ResponseWriter, r *http.Request) {
	b, err := api.LookupBuild(r, p.cfg.Builds, p.cfg.Access)
	if errors.Is(err, pipeline.ErrNotFound) {
		p.notFound(w)
		return
	}
	if err != nil {
		p.unavailable(w, "get build", err, "build_id", r.PathValue("id"))
		return
	}
	page := buildPage{Build: b, Timeline: newTimeline(b)}
	for _, f := range b.Functions {
		page.Functions = append(page.Functions, functionView{f, api.FunctionURL(p.cfg.FunctionsURL, b, f)})
	}
	if p.cfg.Access.CanReadRepo(r, b.Repo) {
		page.RepoPage = repoPath(b.Repo)
	}
	var lines []pipeline.LogLine
	if page.LogRemoved = api.LogRemovedNote(b); page.LogRemoved == "" {
		lines, page.Hidden, err = p.readLog(r, b.ID)
		if err != nil {
			p.cfg.Logger.Error("read log", "build_id", b.ID, "err", err)
			page.LogError = true
		}
	}
	if n := len(lines); n > 0 {
		page.LastSeq = lines[n-1].Seq
	}
	page.Streams = streams(b, lines, page.Hidden)

	id := strconv.FormatInt(b.ID, 10)
	// The page's own links carry the signed link it was opened with.
	link := access.LinkOf(r.URL.Query()).Encode()
	page.JSONURL = "/api/builds/" + id + query(link)
	page.LogURL = "/api/builds/" + id + "/logs" + query(link)
	if h := page.Hidden; h != nil {
		h.URL = "/api/builds/" + id + "/logs" + query("after="+strconv.FormatInt(h.From-1, 10), link)
	}
	if !b.State.Final() && !page.LogError {
		after := "after=" + strconv.FormatInt(page.LastSeq, 10)
		page.FollowURL = "/api/builds/" + id + "/logs" + query("follow=1&"+after, link)
		page.Script = template.JS(followJS)
	}
	p.render(w, http.StatusOK, "build", page)
}

// readLog reads the build's stored log, every stream: all of it when it
// is short, else its first headLines and last tailLines lines and the
// range left out between them.
func (p *Pages) readLog(r *http.Request, id int64) ([]pipeline.LogLine, *hidden, error) {
	lines, err := p.readLines(r, id, 0, headLines)
	if err != nil || len(lines) < headLines {
		return lines, nil, err
	}
	headEnd := lines[len(lines)-1].Seq
	last, err := p.cfg.Logs.LastLogSeq(r.Context(), id)
	if err != nil {
		return lines, nil, err
	}
	var gap *hidden
	from := headEnd
	if last-headEnd > tailLines {
		from = last - tailLines
		gap = &hidden{From: headEnd + 1, To: from}
	}
	rest, err := p.readLines(r, id, from, tailLines)
	return append(lines, rest...), gap, err
}

// readLines reads at most n lines after line after, a page at a time.
func (p *Pages) readLines(r *http.Request, id, after int64, n int) ([]pipeline.LogLine, error) {
	var all []pipeline.LogLine
	for len(all) < n {
		lines, err := p.cfg.Logs.ReadLog(r.Context(), id, nil, after, min(logPage, n-len(all)))
		if err != nil {
			return all, err
		}
		if len(lines) == 0 {
			break
		}
		all = append(all, lines...)
		after = lines[len(lines)-1].Seq
	}
	return all, nil
}

// streams groups lines by stream: the build's own first, then each
// function's in the build's order, even while empty, so that live lines
// have a place to go; then streams of functions the build no longer
// lists.
func streams(b pipeline.Build, lines []pipeline.LogLine, gap *hidden) []stream {
	order := []string{""}
	for _, f := range b.Functions {
		order = append(order, f.Name)
	}
	byName := map[string][]pipeline.LogLine{}
	var others []string
	for _, l := range lines {
		if _, seen := byName[l.Function]; !seen && !slices.Contains(order, l.Function) {
			others = append(others, l.Function)
		}
		byName[l.Function] = append(byName[l.Function], l)
	}
	slices.Sort(others)
	var out []stream
	for _, name := range append(order, others...) {
		st := stream{Function: name, Lines: byName[name]}
		if gap != nil {
			i := slices.IndexFunc(st.Lines, func(l pipeline.LogLine) bool { return l.Seq > gap.To })
			if i >= 0 {
				st.Lines, st.Tail = st.Lines[:i], st.Lines[i:]
			}
		}
		out = append(out, st)
	}
	return out
}

// query joins the non-empty parts into a query string with its "?".
func query(parts ...string) string {
	s := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if s != "" {
			s += "&"
		}
		s += p
	}
	if s == "" {
		return ""
	}
	return "?" + s
}
