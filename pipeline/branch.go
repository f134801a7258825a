package pipeline

import "strings"

// maxBranchLen bounds a branch name; git has no limit, but a branch this
// long is no real push and would overflow the names derived from it.
const maxBranchLen = 255

// ValidBranch reports whether name is a branch name git accepts
// (git check-ref-format --branch), so that what is built and shown is a ref
// that can exist, never text smuggled into paths or logs.
func ValidBranch(name string) bool {
	// A leading dash would read as an option to git.
	if name == "" || len(name) > maxBranchLen || name == "@" || strings.HasPrefix(name, "-") {
		return false
	}
	if strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".") ||
		strings.Contains(name, "..") || strings.Contains(name, "@{") ||
		strings.Contains(name, "//") {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		switch c {
		case ' ', '~', '^', ':', '?', '*', '[', '\\':
			return false
		}
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || strings.HasPrefix(part, ".") || strings.HasSuffix(part, ".lock") {
			return false
		}
	}
	return true
}

// RefName splits a pushed ref into the branch or tag it names: refs/heads/x
// is branch x, refs/tags/v1 tag v1. ok is false for any other ref
// (refs/notes/..., refs/pull/...). The name is not checked: see
// ValidBranch, whose rules tags follow too.
func RefName(ref string) (name string, tag, ok bool) {
	if name, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
		return name, false, true
	}
	if name, ok := strings.CutPrefix(ref, "refs/tags/"); ok {
		return name, true, true
	}
	return "", false, false
}
