package plan

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/stack"
)

func TestDeployName(t *testing.T) {
	long := strings.Repeat("a", 40)
	tests := []struct{ owner, fn, want string }{
		{"alex", "api", "alex-api"},
		{"Alex", "api", "alex-api"},
		{"my_org", "api", "my-org-api"},
		{"my.org--x", "api", "my-org-x-api"},
		{"group/sub", "api", "group-sub-api"},
		{"-odd-", "fn", "odd-fn"},
		{"", "api", "api"},
		{"", "", "function"},
		{long, "b" + strings.Repeat("c", 30), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bcccccccccccc-83732c4e"},
	}
	for _, tt := range tests {
		got := DeployName(tt.owner, tt.fn)
		if got != tt.want {
			t.Errorf("DeployName(%q, %q) = %q, want %q", tt.owner, tt.fn, got, tt.want)
		}
		if !stack.ValidName(got) {
			t.Errorf("DeployName(%q, %q) = %q is not a DNS-1123 label", tt.owner, tt.fn, got)
		}
	}
	if a, b := DeployName(long, "x"+strings.Repeat("y", 30)), DeployName(long, "x"+strings.Repeat("y", 31)); a == b {
		t.Errorf("long names collide: %q", a)
	}
}

// refRe is the distribution reference grammar for
// host[:port]/path:tag with lowercase path components.
var refRe = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)+:[a-z0-9_][a-z0-9_.-]{0,127}$`)

func TestImage(t *testing.T) {
	tests := []struct{ registry, owner, repo, fn, commit, want string }{
		{"127.0.0.1:5000", "alex", "functions", "api", commit, "127.0.0.1:5000/alex/functions/api:" + commit},
		{"Registry.Example/", "Alex", "My.Repo", "api", "ABCDEF", "registry.example/alex/my.repo/api:abcdef"},
		{"r", "a__b", "x--y", "fn", "c", "r/a__b/x--y/fn:c"},
		{"r", "_lead", "trail.", "fn", "c", "r/lead/trail/fn:c"},
		{"r", "a._b", "ü", "fn", "-c", "r/a-b/unnamed/fn:c"},
	}
	for _, tt := range tests {
		got := Image(tt.registry, tt.owner, tt.repo, tt.fn, tt.commit)
		if got != tt.want {
			t.Errorf("Image(%q, %q, %q, %q, %q) = %q, want %q", tt.registry, tt.owner, tt.repo, tt.fn, tt.commit, got, tt.want)
		}
		if !refRe.MatchString(got) {
			t.Errorf("Image %q is not a valid reference", got)
		}
	}
}

func FuzzDeployName(f *testing.F) {
	f.Add("alex", "api")
	f.Add("Group/Sub.Group", "my-fn")
	f.Add(strings.Repeat("x", 70), "fn")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, owner, fn string) {
		if got := DeployName(owner, fn); !stack.ValidName(got) {
			t.Fatalf("DeployName(%q, %q) = %q is not a DNS-1123 label", owner, fn, got)
		}
	})
}

func FuzzImage(f *testing.F) {
	f.Add("alex", "functions", "api", commit)
	f.Add("_", ".", "-", "")
	f.Add("Ünïcode", "a..b", "x__y", "ABC/def")
	f.Fuzz(func(t *testing.T, owner, repo, fn, commit string) {
		if got := Image("127.0.0.1:5000", owner, repo, fn, commit); !refRe.MatchString(got) {
			t.Fatalf("Image(%q, %q, %q, %q) = %q is not a valid reference", owner, repo, fn, commit, got)
		}
	})
}
