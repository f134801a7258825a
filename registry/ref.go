package registry

import (
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// Path components and tags in an image reference allow far fewer characters
// than owner, repository and function names may hold. These bounds come
// from the distribution reference grammar that registries and BuildKit
// enforce.
const (
	maxTag = 128
	// fallback stands in for a name that holds no usable character, so the
	// reference stays valid rather than gaining an empty path component.
	fallback = "unnamed"
)

// Repository returns the repository, without tag, that holds a function's
// images: "<host>/<owner>/<repo>/<function>", lowercased and with every
// character a registry would refuse replaced by "-".
func (r *Registry) Repository(owner, repo, function string) string {
	return r.host + "/" + component(owner) + "/" + component(repo) + "/" + component(function)
}

// Ref returns the immutable tag a function's image is pushed to for one
// commit: "<host>/<owner>/<repo>/<function>:<commit>", lowercased.
func (r *Registry) Ref(owner, repo, function, commit string) string {
	return r.Repository(owner, repo, function) + ":" + tag(commit)
}

// component turns a name into a valid repository path component:
// lowercase alphanumerics joined by ".", "_", "__" or runs of "-". Any
// other run of separators or foreign characters becomes a single "-";
// separators at either end are dropped.
func component(s string) string {
	var b strings.Builder
	var sep strings.Builder
	for _, c := range strings.ToLower(s) {
		if isAlnum(c) {
			if b.Len() > 0 && sep.Len() > 0 {
				b.WriteString(separator(sep.String()))
			}
			sep.Reset()
			b.WriteRune(c)
			continue
		}
		if c == '.' || c == '_' || c == '-' {
			sep.WriteRune(c)
		} else {
			sep.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return fallback
	}
	return b.String()
}

// separator keeps a run of separators the grammar accepts as is.
func separator(run string) string {
	switch {
	case run == "." || run == "_" || run == "__":
		return run
	case strings.Trim(run, "-") == "":
		return run
	default:
		return "-"
	}
}

// tag turns a commit into a valid tag: [a-z0-9_.-], not starting with "."
// or "-", at most 128 characters; "latest" when nothing is left.
func tag(commit string) string {
	b := []byte(strings.ToLower(commit))
	for i, c := range b {
		if !isAlnum(rune(c)) && c != '.' && c != '_' && c != '-' {
			b[i] = '-'
		}
	}
	t := strings.TrimLeft(string(b), ".-")
	if len(t) > maxTag {
		t = t[:maxTag]
	}
	if t == "" {
		return "latest"
	}
	return t
}

func isAlnum(c rune) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// CacheTag is the tag a function's build cache is kept under.
const CacheTag = "buildcache"

// CacheRef names where the build cache of the function whose image is
// image ("<host>/<owner>/<repo>/<function>:<commit>", as Ref names it) is
// kept: under repository, which holds the caches of every function
// ("registry.example.com/cache" gives
// "registry.example.com/cache/<owner>/<repo>/<function>:buildcache"), or
// beside the images when repository is "". An image Ref did not name has
// its cache beside it.
func (r *Registry) CacheRef(repository, image string) string {
	repo := pipeline.RepositoryOf(image)
	if path, ok := strings.CutPrefix(repo, r.host+"/"); ok && repository != "" {
		repo = strings.TrimRight(repository, "/") + "/" + path
	}
	return repo + ":" + CacheTag
}
