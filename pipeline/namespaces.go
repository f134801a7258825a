package pipeline

import "strings"

// Namespaces is a list of forge paths: owners (a GitHub user or
// organisation, a GitLab group, which takes in every namespace under it)
// and repositories ("owner/repo"). Forges treat these paths without case,
// and so does Match. The zero value is the empty list.
type Namespaces struct {
	// entries are lower-cased and carry no surrounding slashes.
	entries []string
}

// ParseNamespaces reads a comma-separated list such as "alice, acme/api,
// group/subgroup". Spaces around entries and empty entries are dropped.
func ParseNamespaces(list string) Namespaces {
	var n Namespaces
	for _, item := range strings.Split(list, ",") {
		e := strings.ToLower(strings.Trim(strings.TrimSpace(item), "/"))
		if e != "" {
			n.entries = append(n.entries, e)
		}
	}
	return n
}

// Empty reports whether the list has no entries.
func (n Namespaces) Empty() bool { return len(n.entries) == 0 }

// Match reports whether path is an entry or lies under one: "group/sub"
// matches "group/sub/team" but not "group/subway", and "acme" matches the
// repository "acme/api". The empty list matches nothing.
func (n Namespaces) Match(path string) bool {
	path = strings.ToLower(path)
	for _, e := range n.entries {
		if path == e || strings.HasPrefix(path, e) && len(path) > len(e) && path[len(e)] == '/' {
			return true
		}
	}
	return false
}

// String is the list as it is matched, comma-separated; "" when empty.
func (n Namespaces) String() string { return strings.Join(n.entries, ",") }
