package pipeline

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// CheckCloneURL refuses a clone URL, read from a webhook's field (GitHub's
// clone_url, GitLab's git_http_url), that is not a plain http(s) URL of
// owner/name. The builder hands the URL to git, which would run the
// command of an ext:: URL or read the build machine's files through a
// file:// one; and a URL of another repository would build that
// repository's code under this one's name, past the owner allow-list. A
// GitHub Enterprise or self-managed GitLab server may serve repositories
// under a path prefix, so only the end of the path must name the
// repository.
func CheckCloneURL(field, raw, owner, name string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%s %s is not an http(s) URL", field, quoteShort(raw))
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return fmt.Errorf("%s %s has credentials, a query or a fragment", field, quoteShort(raw))
	}
	if path.Clean(u.Path) != u.Path {
		return fmt.Errorf("%s %s has a path that is not clean", field, quoteShort(raw))
	}
	p := strings.ToLower(strings.TrimSuffix(u.Path, ".git"))
	if !strings.HasSuffix(p, strings.ToLower("/"+owner+"/"+name)) {
		return fmt.Errorf("%s %s is not the URL of %s/%s", field, quoteShort(raw), owner, name)
	}
	return nil
}

// quoteShort keeps untrusted text short and printable in an error.
func quoteShort(s string) string {
	const max = 100
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}
