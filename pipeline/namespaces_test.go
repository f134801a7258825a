package pipeline

import (
	"strings"
	"testing"
)

func TestNamespacesMatch(t *testing.T) {
	cases := []struct {
		name, list, owner string
		want              bool
	}{
		{"empty list matches nothing", "", "mallory", false},
		{"only commas match nothing", " , ,", "mallory", false},
		{"repository of an owner", "acme", "acme/api", true},
		{"repository", "acme/api", "acme/api", true},
		{"repository case", "acme/api", "ACME/Api", true},
		{"other repository", "acme/api", "acme/web", false},
		{"owner of a repository", "acme/api", "acme", false},
		{"exact", "alice", "alice", true},
		{"not listed", "alice", "mallory", false},
		{"case of the owner", "alice", "Alice", true},
		{"case of the list", "AcMe", "acme", true},
		{"spaces around commas", " alice ,  acme ", "acme", true},
		{"trailing comma", "alice,", "alice", true},
		{"prefix of a name is not a match", "alice", "alice2", false},
		{"longer name is not a match", "alice2", "alice", false},
		{"group", "group/sub", "group/sub", true},
		{"subgroup of a group", "group/sub", "group/sub/team", true},
		{"group case", "group/sub", "Group/Sub/Team", true},
		{"name sharing a prefix", "group/sub", "group/subway", false},
		{"parent of a group", "group/sub", "group", false},
		{"sibling of a group", "group/sub", "group/other", false},
		{"top-level group", "group", "group/sub/team", true},
		{"slashes around an entry", "/group/sub/", "group/sub/team", true},
		{"empty owner", "alice", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ParseNamespaces(c.list).Match(c.owner); got != c.want {
				t.Errorf("ParseNamespaces(%q).Match(%q) = %v, want %v", c.list, c.owner, got, c.want)
			}
		})
	}
}

func TestNamespacesString(t *testing.T) {
	if n := ParseNamespaces(" , "); !n.Empty() || n.String() != "" {
		t.Errorf("empty list reads %q, empty %v", n.String(), n.Empty())
	}
	if s := ParseNamespaces(" Alice, group/sub ").String(); s != "alice,group/sub" {
		t.Errorf("list reads %q", s)
	}
}

// The path comes from a webhook body: whatever it is, matching must not
// panic, must ignore case, and must match nothing outside the list.
func FuzzNamespacesMatch(f *testing.F) {
	f.Add("group/sub", "group/subway")
	f.Add("alice", "ALICE")
	f.Add("a", "a/")
	f.Fuzz(func(t *testing.T, list, owner string) {
		o := ParseNamespaces(list)
		got := o.Match(owner)
		if got != o.Match(strings.ToUpper(owner)) && strings.ToLower(strings.ToUpper(owner)) == strings.ToLower(owner) {
			t.Fatalf("%q and its upper case disagree", owner)
		}
		if !got {
			return
		}
		lower := strings.ToLower(owner)
		for _, e := range o.entries {
			if lower == e || strings.HasPrefix(lower, e+"/") {
				return
			}
		}
		t.Fatalf("ParseNamespaces(%q) matches %q, which is under none of %q", list, owner, o.entries)
	})
}
