package hook

import (
	"strings"
	"testing"
)

func TestOwnersAllowed(t *testing.T) {
	cases := []struct {
		name, list, owner string
		want              bool
	}{
		{"empty list allows all", "", "mallory", true},
		{"only commas allow all", " , ,", "mallory", true},
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
			if got := ParseOwners(c.list).Allowed(c.owner); got != c.want {
				t.Errorf("ParseOwners(%q).Allowed(%q) = %v, want %v", c.list, c.owner, got, c.want)
			}
		})
	}
}

func TestOwnersString(t *testing.T) {
	if s := ParseOwners("").String(); s != "all owners" {
		t.Errorf("empty list reads %q", s)
	}
	if s := ParseOwners(" Alice, group/sub ").String(); s != "alice,group/sub" {
		t.Errorf("list reads %q", s)
	}
}

// The owner comes from a webhook body: whatever it is, matching must not
// panic, must ignore case, and must allow nothing outside the list.
func FuzzOwnersAllowed(f *testing.F) {
	f.Add("group/sub", "group/subway")
	f.Add("alice", "ALICE")
	f.Add("a", "a/")
	f.Fuzz(func(t *testing.T, list, owner string) {
		o := ParseOwners(list)
		got := o.Allowed(owner)
		if got != o.Allowed(strings.ToUpper(owner)) && strings.ToLower(strings.ToUpper(owner)) == strings.ToLower(owner) {
			t.Fatalf("%q and its upper case disagree", owner)
		}
		if !got || len(o.entries) == 0 {
			return
		}
		lower := strings.ToLower(owner)
		for _, e := range o.entries {
			if lower == e || strings.HasPrefix(lower, e+"/") {
				return
			}
		}
		t.Fatalf("ParseOwners(%q) allows %q, which is under none of %q", list, owner, o.entries)
	})
}
