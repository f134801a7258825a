package watchdog

import (
	"net/http"
	"strconv"
	"strings"
)

// childEnv is the environment of a process forked for r: the watchdog's
// own environment (parent), then the request as CGI-style variables, so
// that they win over inherited ones of the same name.
//
// Both originals name a header Http_ and its canonical name with dashes
// made underscores (Content-Type is Http_Content_Type, X-Forwarded-For
// Http_X_Forwarded_For) and pass its first value only; both add
// Http_Method, Http_Query and Http_Path (the latter two only when not
// empty) and Http_Transfer_Encoding for a chunked body. The classic
// watchdog adds the body's length (Http_ContentLength and
// Http_Content_Length, -1 when chunked) and Http_Host; of-watchdog does
// not, and classic says whether it adds any of it (cgi_headers).
func childEnv(parent []string, r *http.Request, classic, cgi bool) []string {
	if !cgi {
		return parent
	}
	env := make([]string, 0, len(parent)+len(r.Header)+8)
	env = append(env, parent...)
	for k, v := range r.Header {
		if len(v) > 0 {
			env = append(env, "Http_"+strings.ReplaceAll(k, "-", "_")+"="+v[0])
		}
	}
	env = append(env, "Http_Method="+r.Method)
	if classic {
		n := strconv.FormatInt(r.ContentLength, 10)
		env = append(env, "Http_ContentLength="+n, "Http_Content_Length="+n)
	}
	if len(r.TransferEncoding) > 0 {
		env = append(env, "Http_Transfer_Encoding="+r.TransferEncoding[0])
	}
	if r.URL.RawQuery != "" {
		env = append(env, "Http_Query="+r.URL.RawQuery)
	}
	if r.URL.Path != "" {
		env = append(env, "Http_Path="+r.URL.Path)
	}
	if classic && r.Host != "" {
		env = append(env, "Http_Host="+r.Host)
	}
	return env
}
