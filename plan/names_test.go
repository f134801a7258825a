package plan

import (
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/stack"
)

func TestDeployName(t *testing.T) {
	long := strings.Repeat("a", 40)
	tests := []struct {
		name                    string
		owner, repo, branch, fn string
		want                    string
	}{
		{"production", "alex", "api", "", "hello", "alex-api-hello-"},
		{"preview", "alex", "api", "feature/x", "hello", "alex-api-hello-feature-x-"},
		{"owner case does not matter", "Alex", "API", "", "hello", "alex-api-hello-"},
		{"other characters become one dash", "my_org", "web.site", "fix--it", "fn", "my-org-web-site-fn-fix-it-"},
		{"dashes at the ends go", "-odd-", "r", "", "fn", "odd-r-fn-"},
		{"a branch with no letters", "o", "r", "日本", "fn", "o-r-fn-"},
		{"long parts are cut, longest first", long, long, "feature/" + long, "handler",
			"aaaaaaaaaaaaaa-aaaaaaaaaaaaaa-handler-feature-aaaaaa-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DeployName(tt.owner, tt.repo, tt.branch, tt.fn)
			if !strings.HasPrefix(got, tt.want) || len(got) != len(tt.want)+hashLen {
				t.Errorf("DeployName(%q, %q, %q, %q) = %q, want %q and %d hex digits", tt.owner, tt.repo, tt.branch, tt.fn, got, tt.want, hashLen)
			}
			if !stack.ValidName(got) || len(got) > 63 {
				t.Errorf("%q is not a DNS-1123 label of at most 63 characters", got)
			}
			if again := DeployName(tt.owner, tt.repo, tt.branch, tt.fn); again != got {
				t.Errorf("not deterministic: %q then %q", got, again)
			}
		})
	}
}

// Inputs that read the same once lowercased and dashed, or once cut to 63
// characters, keep different names.
func TestDeployNamesNeverCollide(t *testing.T) {
	long := strings.Repeat("x", 60)
	pairs := []struct{ a, b [4]string }{
		{[4]string{"a-b", "r", "", "c"}, [4]string{"a", "r", "", "b-c"}},
		{[4]string{"a", "b-r", "", "c"}, [4]string{"a-b", "r", "", "c"}},
		{[4]string{"o", "r", "main", "fn"}, [4]string{"o", "r", "", "fn-main"}},
		{[4]string{"o", "r", "feature/x", "fn"}, [4]string{"o", "r", "feature-x", "fn"}},
		{[4]string{"o", "r", "Feature", "fn"}, [4]string{"o", "r", "feature", "fn"}},
		{[4]string{"o", "r", "", "fn"}, [4]string{"o", "r", "fn", ""}},
		{[4]string{"o", "r", long + "1", "fn"}, [4]string{"o", "r", long + "2", "fn"}},
		{[4]string{long + "a", "r", "", "fn"}, [4]string{long + "b", "r", "", "fn"}},
		{[4]string{"o", "r", "", "fn"}, [4]string{"o", "r", "b", "fn"}},
	}
	for _, p := range pairs {
		na, nb := DeployName(p.a[0], p.a[1], p.a[2], p.a[3]), DeployName(p.b[0], p.b[1], p.b[2], p.b[3])
		if na == nb {
			t.Errorf("%q and %q share the name %q", p.a, p.b, na)
		}
		if len(na) > 63 || len(nb) > 63 {
			t.Errorf("names over 63 characters: %q %q", na, nb)
		}
	}
	if a, b := DeployName("Alex", "API", "x", "f"), DeployName("alex", "api", "x", "f"); a != b {
		t.Errorf("owner and repository differing in case only give %q and %q, want one name", a, b)
	}
}

// same says whether two inputs are the same deployment: owner and
// repository compare without case.
func same(a, b [4]string) bool {
	return strings.EqualFold(a[0], b[0]) && strings.EqualFold(a[1], b[1]) && a[2] == b[2] && a[3] == b[3]
}

func FuzzDeployName(f *testing.F) {
	f.Add("alex", "api", "", "hello", "alex", "api", "main", "hello")
	f.Add("a-b", "r", "", "c", "a", "r", "", "b-c")
	f.Add(strings.Repeat("x", 70), "r", "feature/"+strings.Repeat("y", 70), "fn", strings.Repeat("x", 70), "r", "feature/"+strings.Repeat("y", 71), "fn")
	f.Add("", "", "", "", "-", "_", "/", ".")
	f.Fuzz(func(t *testing.T, o1, r1, b1, f1, o2, r2, b2, f2 string) {
		a, b := [4]string{o1, r1, b1, f1}, [4]string{o2, r2, b2, f2}
		na, nb := DeployName(o1, r1, b1, f1), DeployName(o2, r2, b2, f2)
		for _, n := range []string{na, nb} {
			if !stack.ValidName(n) || len(n) > 63 {
				t.Fatalf("%q is not a DNS-1123 label of at most 63 characters", n)
			}
		}
		if (na == nb) != same(a, b) {
			t.Fatalf("%q -> %q and %q -> %q", a, na, b, nb)
		}
	})
}
