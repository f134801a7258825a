package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// viewFuncs are the templates' functions; now measures running builds.
func viewFuncs(now func() time.Time) template.FuncMap {
	return template.FuncMap{
		"short":      short,
		"firstLine":  firstLine,
		"when":       func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"took":       func(start, end *time.Time) string { return took(start, end, now()) },
		"repoPath":   repoPath,
		"commit":     commitLink,
		"trigger":    trigger,
		"streamName": streamName,
		"streamID":   streamID,
		"headLines":  func() int { return headLines },
		"tailLines":  func() int { return tailLines },
	}
}

// short is a commit as forges show it, or a digest's first 12 hex digits.
func short(s string) string {
	if d, ok := strings.CutPrefix(s, "sha256:"); ok && len(d) > 12 {
		return d[:12]
	}
	if len(s) > 7 {
		return s[:7]
	}
	return s
}

// firstLine is a commit message's subject.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(line)
}

// took is how long from start to end, or to now while there is no end;
// "" before the start.
func took(start, end *time.Time, now time.Time) string {
	if start == nil {
		return ""
	}
	stop := now
	if end != nil {
		stop = *end
	}
	d := max(stop.Sub(*start), 0)
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// repoPath is the path of repo's page: /repos/<provider>/<owner>/<name>,
// a GitLab owner's groups each a segment.
func repoPath(repo pipeline.Repo) string {
	parts := []string{"repos", string(repo.Provider)}
	for _, seg := range strings.Split(repo.Owner, "/") {
		parts = append(parts, url.PathEscape(seg))
	}
	return "/" + strings.Join(append(parts, url.PathEscape(repo.Name)), "/")
}

// link is a text and where it leads; no URL, no link.
type link struct {
	Text, URL string
}

// forgeURL is the page path on repo's forge, "" when the repository's web
// address is not known. GitLab puts project pages under "/-/".
func forgeURL(repo pipeline.Repo, github, gitlab string) string {
	if repo.HTMLURL == "" {
		return ""
	}
	path := github
	if repo.Provider == pipeline.GitLab {
		path = gitlab
	}
	return strings.TrimRight(repo.HTMLURL, "/") + path
}

// commitLink is commit, shortened, linked to its page on the forge.
func commitLink(repo pipeline.Repo, commit string) link {
	if commit == "" {
		return link{}
	}
	return link{short(commit), forgeURL(repo, "/commit/"+commit, "/-/commit/"+commit)}
}

// trigger says what made build b, linked to its pull request or tag.
func trigger(b pipeline.Build) link {
	switch b.Kind {
	case pipeline.PullRequest:
		n := strconv.Itoa(b.PullRequest)
		if b.Repo.Provider == pipeline.GitLab {
			return link{"merge request !" + n, forgeURL(b.Repo, "", "/-/merge_requests/"+n)}
		}
		return link{"pull request #" + n, forgeURL(b.Repo, "/pull/"+n, "")}
	case pipeline.Tag:
		tag := url.PathEscape(b.Tag)
		return link{"tag " + b.Tag, forgeURL(b.Repo, "/tree/"+tag, "/-/tags/"+tag)}
	}
	return link{Text: string(b.Kind)}
}

// streamName names a log stream: its function, or "build" for the
// build's own lines.
func streamName(function string) string {
	if function == "" {
		return "build"
	}
	return function
}

// streamID is the id of a log stream's section: "log" for the build's
// own, "log-<function>" for a function's, which its row links to.
func streamID(function string) string {
	if function == "" {
		return "log"
	}
	return "log-" + function
}
