package template

import (
	"github.com/ofcbuild/ofc/internal/suggest"

	"fmt"
	"strings"
)

// retiredLang is a template OpenFaaS itself no longer offers, with why and
// the current one that replaces it.
type retiredLang struct{ why, successor string }

// retired lists the languages OpenFaaS retired whose stack files are still
// pushed, so that their error says what to move to rather than only that
// the name is unknown.
var retired = map[string]retiredLang{
	"node":           {"Node.js 12 is end of life", "node20"},
	"node10":         {"Node.js 10 is end of life", "node20"},
	"node12":         {"Node.js 12 is end of life", "node20"},
	"node14":         {"Node.js 14 is end of life", "node20"},
	"node16":         {"Node.js 16 is end of life", "node20"},
	"node17":         {"Node.js 17 is end of life", "node20"},
	"python":         {"Python 2.7 is end of life", "python3"},
	"python27":       {"Python 2.7 is end of life", "python3"},
	"python27-flask": {"Python 2.7 is end of life", "python3-flask"},
	"python-armhf":   {"Python 2.7 is end of life", "python3"},
	"node-armhf":     {"Node.js 12 is end of life", "node20"},
	"go-armhf":       {"multi-arch builds replaced the -armhf templates", "go"},
	"python3-armhf":  {"multi-arch builds replaced the -armhf templates", "python3"},
}

// unknown is the error for a language neither the repository nor the
// service has: what OpenFaaS made of it when it retired it, the nearest
// template offered, and how to bring one's own.
func unknown(lang string, avail []string) error {
	bring := fmt.Sprintf("to use your own, add it to the repository as %s/%s/ (faas-cli template pull puts it there)", RepoDir, lang)
	list := strings.Join(avail, ", ")
	if r, ok := retired[strings.ToLower(lang)]; ok {
		return fmt.Errorf("template %q was retired by OpenFaaS (%s): move to %s, the nearest current template (available: %s); %s",
			lang, r.why, r.successor, list, bring)
	}
	if near := nearest(lang, avail); near != "" {
		return fmt.Errorf("unknown template %q: the nearest is %s (available: %s); %s", lang, near, list, bring)
	}
	return fmt.Errorf("unknown template %q (available: %s); %s", lang, list, bring)
}

// nearest is the offered language closest to lang: one of the same family
// (node22 -> node20, python3-http-debian -> python3-http), else the one
// fewest edits away when that is close enough to be a typo.
func nearest(lang string, avail []string) string {
	l := strings.ToLower(lang)
	best, bestLen := "", 0
	for _, a := range avail {
		if a == Dockerfile {
			continue
		}
		if p := commonPrefix(l, a); p > bestLen && p >= len(family(a)) {
			best, bestLen = a, p
		}
	}
	if best != "" {
		return best
	}
	bestDist := len(l)/3 + 1
	for _, a := range avail {
		if d := suggest.Distance(l, a); d < bestDist {
			best, bestDist = a, d
		}
	}
	return best
}

// family is a language's name without its version: "node" of node20,
// "python" of python3-http, "go" of golang-middleware.
func family(lang string) string {
	i := strings.IndexAny(lang, "0123456789-")
	if i <= 0 {
		return lang
	}
	if strings.HasPrefix(lang, "golang") {
		return "go"
	}
	return lang[:i]
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
