package pipeline

import (
	"strings"
	"testing"
)

// TestCheckCloneURL covers what a clone_url may be: git runs what an
// ext:: URL says and reads what a file:// one names, and a URL of another
// repository would build that one's code under this one's name.
func TestCheckCloneURL(t *testing.T) {
	tests := []struct {
		url, owner, name string
		want             string // "" when accepted, else the error
	}{
		{"https://github.com/Codertocat/Hello-World.git", "Codertocat", "Hello-World", ""},
		{"https://github.com/codertocat/hello-world.git", "Codertocat", "Hello-World", ""},
		{"https://github.com/Codertocat/Hello-World", "Codertocat", "Hello-World", ""},
		{"http://github.com/github/hello-world.git", "github", "hello-world", ""},
		{"https://ghe.example.com/prefix/Codertocat/Hello-World.git", "Codertocat", "Hello-World", ""},
		{"https://ghe.example.com:8443/o/r.git", "o", "r", ""},
		{"ext::sh -c touch% /tmp/pwned", "o", "r", `clone_url "ext::sh -c touch% /tmp/pwned" is not an http(s) URL`},
		{"file:///etc", "o", "r", `clone_url "file:///etc" is not an http(s) URL`},
		{"git@github.com:o/r.git", "o", "r", `clone_url "git@github.com:o/r.git" is not an http(s) URL`},
		{"ssh://git@github.com/o/r.git", "o", "r", `clone_url "ssh://git@github.com/o/r.git" is not an http(s) URL`},
		{"https:o/r.git", "o", "r", `clone_url "https:o/r.git" is not an http(s) URL`},
		{"https:///o/r.git", "o", "r", `clone_url "https:///o/r.git" is not an http(s) URL`},
		{"/o/r.git", "o", "r", `clone_url "/o/r.git" is not an http(s) URL`},
		{"https://github.com/o/r.git\n", "o", "r", `clone_url "https://github.com/o/r.git\n" is not an http(s) URL`},
		{"https://user:pw@github.com/o/r.git", "o", "r", `clone_url "https://user:pw@github.com/o/r.git" has credentials, a query or a fragment`},
		{"https://github.com/o/r.git?x=1", "o", "r", `clone_url "https://github.com/o/r.git?x=1" has credentials, a query or a fragment`},
		{"https://github.com/o/r.git#main", "o", "r", `clone_url "https://github.com/o/r.git#main" has credentials, a query or a fragment`},
		{"https://github.com/evil/../o/r.git", "o", "r", `clone_url "https://github.com/evil/../o/r.git" has a path that is not clean`},
		{"https://github.com/o/r.git/", "o", "r", `clone_url "https://github.com/o/r.git/" has a path that is not clean`},
		{"https://github.com/someone/else.git", "o", "r", `clone_url "https://github.com/someone/else.git" is not the URL of o/r`},
		{"https://github.com/xo/r.git", "o", "r", `clone_url "https://github.com/xo/r.git" is not the URL of o/r`},
		{"https://github.com/", "o", "r", `clone_url "https://github.com/" is not the URL of o/r`},
		{"https://github.com/" + strings.Repeat("a", 200), "o", "r", `clone_url "https://github.com/` + strings.Repeat("a", 81) + `..." is not the URL of o/r`},
	}
	for _, tt := range tests {
		err := CheckCloneURL("clone_url", tt.url, tt.owner, tt.name)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckCloneURL(%q) = %v, want it accepted", tt.url, err)
		case tt.want != "" && (err == nil || err.Error() != tt.want):
			t.Errorf("CheckCloneURL(%q) = %v\nwant %s", tt.url, err, tt.want)
		}
	}
}
