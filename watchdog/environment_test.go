package watchdog

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestChildEnv(t *testing.T) {
	parent := []string{"PATH=/bin", "Http_Method=inherited"}
	newReq := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "http://fn.example/my/path?q=x&page=1", strings.NewReader("body"))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Forwarded-For", "10.0.0.1")
		r.Header.Add("X-Multi", "first")
		r.Header.Add("X-Multi", "second")
		return r
	}
	common := []string{
		"PATH=/bin",
		"Http_Content_Type=application/json",
		"Http_X_Forwarded_For=10.0.0.1",
		"Http_X_Multi=first",
		"Http_Method=POST",
		"Http_Query=q=x&page=1",
		"Http_Path=/my/path",
	}
	tests := []struct {
		name           string
		classic, cgi   bool
		want, wantNone []string
	}{
		{"of-watchdog", false, true, common, []string{"Http_Host=", "Http_Content_Length=", "Http_ContentLength="}},
		{"classic", true, true, append(slices.Clone(common), "Http_ContentLength=4", "Http_Content_Length=4", "Http_Host=fn.example"), nil},
		{"classic without cgi_headers", true, false, []string{"PATH=/bin", "Http_Method=inherited"}, []string{"Http_Path=", "Http_Method=POST"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := childEnv(parent, newReq(), tt.classic, tt.cgi)
			for _, w := range tt.want {
				if !slices.Contains(env, w) {
					t.Errorf("missing %q in %q", w, env)
				}
			}
			for _, n := range tt.wantNone {
				for _, e := range env {
					if strings.HasPrefix(e, n) {
						t.Errorf("unexpected %q", e)
					}
				}
			}
			// The request's variables come after the inherited ones, so that
			// exec's last-wins rule gives the child the request's.
			if tt.cgi && slices.Index(env, "Http_Method=POST") < slices.Index(env, "Http_Method=inherited") {
				t.Error("Http_Method of the request does not come after the inherited one")
			}
		})
	}
}

func TestChildEnvChunkedAndEmpty(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "http://fn.example/", nil)
	r.TransferEncoding = []string{"chunked"}
	r.ContentLength = -1
	env := childEnv(nil, r, true, true)
	for _, w := range []string{"Http_Transfer_Encoding=chunked", "Http_ContentLength=-1", "Http_Method=GET", "Http_Path=/"} {
		if !slices.Contains(env, w) {
			t.Errorf("missing %q in %q", w, env)
		}
	}
	for _, e := range env {
		if strings.HasPrefix(e, "Http_Query=") {
			t.Errorf("Http_Query set for a request without a query: %q", e)
		}
	}
}
