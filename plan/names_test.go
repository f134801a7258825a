package plan

import (
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
