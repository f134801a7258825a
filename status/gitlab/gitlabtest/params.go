package gitlabtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// params are a call's parameters as GitLab's API reads them: the query
// string, overridden by a JSON or form body.
type params map[string]any

// readParams answers 400 itself when the body cannot be read.
func readParams(w http.ResponseWriter, r *http.Request) (params, bool) {
	p := params{}
	for k, v := range r.URL.Query() {
		p[k] = v[0]
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 2<<20))
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return p, true
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			writeError(w, http.StatusBadRequest, "400 Bad request - malformed form body")
			return nil, false
		}
		for k, v := range form {
			p[k] = v[0]
		}
	default:
		var in map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&in); err != nil {
			writeError(w, http.StatusBadRequest, "There was a problem with the JSON you submitted: "+err.Error())
			return nil, false
		}
		for k, v := range in {
			p[k] = v
		}
	}
	return p, true
}

// str returns parameter name as a string: present says whether it was
// given, ok whether it could be one (GitLab takes a number for a string).
func (p params) str(name string) (v string, present, ok bool) {
	switch x := p[name].(type) {
	case nil:
		// Absent, or null, which GitLab takes as absent.
		return "", false, true
	case string:
		return x, true, true
	case json.Number:
		return x.String(), true, true
	}
	return "", true, false
}

// text reads optional string parameters, answering 400 as GitLab does for
// one of another type.
func (p params) text(w http.ResponseWriter, names ...string) (map[string]string, bool) {
	out := make(map[string]string, len(names))
	for _, name := range names {
		v, _, ok := p.str(name)
		if !ok {
			writeError(w, http.StatusBadRequest, name+" is invalid")
			return nil, false
		}
		out[name] = v
	}
	return out, true
}

// oneOf reads an optional parameter limited to values, defaulting to def.
func (p params) oneOf(w http.ResponseWriter, name, def string, values ...string) (string, bool) {
	v, present, ok := p.str(name)
	if !present {
		return def, true
	}
	for _, allowed := range values {
		if ok && v == allowed {
			return v, true
		}
	}
	writeError(w, http.StatusBadRequest, name+" does not have a valid value")
	return "", false
}

// paginate returns the page of items the call asked for and sets GitLab's
// offset pagination headers: page from 1, per_page 20 by default and 100
// at most.
func paginate[T any](w http.ResponseWriter, r *http.Request, items []T) []T {
	q := r.URL.Query()
	page, perPage := 1, 20
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		page = n
	}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 {
		perPage = min(n, 100)
	}
	pages := max(1, (len(items)+perPage-1)/perPage)
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Total", strconv.Itoa(len(items)))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	link := func(n int, rel string) string {
		u := *r.URL
		v := u.Query()
		v.Set("page", strconv.Itoa(n))
		v.Set("per_page", strconv.Itoa(perPage))
		u.RawQuery = v.Encode()
		return fmt.Sprintf(`<http://%s%s>; rel="%s"`, r.Host, u.RequestURI(), rel)
	}
	links := ""
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		links += link(page+1, "next") + ", "
	}
	if page > 1 && page <= pages {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
		links += link(page-1, "prev") + ", "
	}
	h.Set("Link", links+link(1, "first")+", "+link(pages, "last"))
	start := min((page-1)*perPage, len(items))
	return items[start:min(start+perPage, len(items))]
}
