package access_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/api"
)

var _ api.Writers = (*access.Checker)(nil)

// readers are tokens of scope read with secrets secrets.
func readers(secrets ...string) []access.Token {
	var out []access.Token
	for i, s := range secrets {
		out = append(out, access.Token{Name: "r" + string(rune('0'+i)), Scope: access.Read, Secret: s})
	}
	return out
}

func TestParseTokens(t *testing.T) {
	got, err := access.ParseTokens(" legacy , , ci:read:c1, alice:write:a:b:c ,other")
	want := []access.Token{
		{Name: "token-1", Scope: access.Read, Secret: "legacy"},
		{Name: "ci", Scope: access.Read, Secret: "c1"},
		{Name: "alice", Scope: access.Write, Secret: "a:b:c"},
		{Name: "token-4", Scope: access.Read, Secret: "other"},
	}
	if err != nil || len(got) != len(want) {
		t.Fatalf("ParseTokens = %v, %v; want %v", got, err, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("token %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"alice:write", "alice:admin:s3cret", ":write:x", "a:write:", "a:read:x,a:write:y"} {
		_, err := access.ParseTokens(bad)
		if err == nil {
			t.Errorf("ParseTokens(%q) accepted it", bad)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "OFC_API_TOKENS item") {
			t.Errorf("ParseTokens(%q) = %v: want the item's place, never its secret", bad, err)
		}
	}
	if got, err := access.ParseTokens(""); got != nil || err != nil {
		t.Errorf("no tokens = %v, %v", got, err)
	}
}

func TestWriter(t *testing.T) {
	tokens, _ := access.ParseTokens("ci:read:r-tok,alice:write:w-tok")
	checker := access.New(access.Config{Scoped: tokens})
	cases := []struct {
		auth        string
		name        string
		write, okay bool
	}{
		{"Bearer w-tok", "alice", true, true},
		{"Bearer r-tok", "ci", false, true},
		{"Bearer x-tok", "", false, false},
		{"", "", false, false},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/api/builds/1/cancel", nil)
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		name, write, ok := checker.Writer(r)
		if name != c.name || write != c.write || ok != c.okay {
			t.Errorf("%q: Writer = %q %v %v, want %q %v %v", c.auth, name, write, ok, c.name, c.write, c.okay)
		}
	}
}
