package hook

import "strings"

// Owners is the allow-list of forge owners whose events are acted on: a
// GitHub user or organisation, or a GitLab group path, which allows every
// namespace under it. The zero value allows every owner.
type Owners struct {
	// entries are lower-cased, since forges treat owner names without
	// case, and carry no surrounding slashes.
	entries []string
}

// ParseOwners reads a comma-separated list such as "alice, acme,
// group/subgroup". Spaces around entries and empty entries are dropped;
// a list with no entries allows every owner.
func ParseOwners(list string) Owners {
	var o Owners
	for _, item := range strings.Split(list, ",") {
		e := strings.ToLower(strings.Trim(strings.TrimSpace(item), "/"))
		if e != "" {
			o.entries = append(o.entries, e)
		}
	}
	return o
}

// Allowed reports whether events of owner are acted on: the list is
// empty, or owner is an entry or lies under one ("group/sub" allows
// "group/sub/team" but not "group/subway").
func (o Owners) Allowed(owner string) bool {
	if len(o.entries) == 0 {
		return true
	}
	owner = strings.ToLower(owner)
	for _, e := range o.entries {
		if owner == e || strings.HasPrefix(owner, e) && owner[len(e)] == '/' {
			return true
		}
	}
	return false
}

// String is the list as it is matched, or "all owners" when empty, for
// the log line that says at start whose events are acted on.
func (o Owners) String() string {
	if len(o.entries) == 0 {
		return "all owners"
	}
	return strings.Join(o.entries, ",")
}
