package localfaas

import (
	"strings"
	"testing"
)

func TestCheckFunctionName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"fn", true},
		{"owner-repo-fn", true},
		{"a", true},
		{"9lives", true},
		{strings.Repeat("a", 63), true},
		{strings.Repeat("a", 64), false},
		{"", false},
		{"Fn", false},
		{"my_fn", false},
		{"-fn", false},
		{"fn-", false},
		{"fn.v2", false},
		{"fn/x", false},
		{"fn ", false},
		{"ƒn", false},
	}
	for _, tt := range tests {
		if err := checkFunctionName(tt.name); (err == nil) != tt.ok {
			t.Errorf("checkFunctionName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestCheckSecretName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"db-password", true},
		{"api.key", true},
		{"a.b.c", true},
		{"", false},
		{"..", false},
		{"../etc/passwd", false},
		{".hidden", false},
		{"a..b", false},
		{"API_KEY", false},
		{strings.Repeat("a", 254), false},
	}
	for _, tt := range tests {
		if err := checkSecretName(tt.name); (err == nil) != tt.ok {
			t.Errorf("checkSecretName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestCheckNamespace(t *testing.T) {
	for in, want := range map[string]string{"": DefaultNamespace, DefaultNamespace: DefaultNamespace} {
		if got, err := checkNamespace(in); err != nil || got != want {
			t.Errorf("checkNamespace(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := checkNamespace("kube-system"); err == nil {
		t.Error("checkNamespace(kube-system) accepted another namespace")
	}
}

// FuzzNames checks that an accepted name is safe wherever a name goes: a
// URL path segment, a file name, a DNS label.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"fn", "a.b", "../x", "A", "-", "a-", strings.Repeat("z", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		for _, check := range []func(string) error{checkFunctionName, checkSecretName} {
			if check(name) != nil {
				continue
			}
			if name == "" || len(name) > 253 || strings.ContainsAny(name, "/\\ \x00?#%") ||
				strings.Contains(name, "..") || name[0] == '.' || name[0] == '-' {
				t.Fatalf("accepted unsafe name %q", name)
			}
			if strings.ToLower(name) != name {
				t.Fatalf("accepted upper case name %q", name)
			}
		}
		if checkFunctionName(name) == nil && (len(name) > 63 || strings.Contains(name, ".")) {
			t.Fatalf("accepted function name %q that is no DNS label", name)
		}
	})
}
