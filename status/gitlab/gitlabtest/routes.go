package gitlabtest

import (
	"net/http"
	"strconv"
	"strings"
)

const apiPrefix = "/api/v4"

// handler serves one route for the user id the call was authorised as.
type handler func(w http.ResponseWriter, r *http.Request, user int64)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// The mux unescapes each path segment on its own, so {id} is a whole
	// "group%2Fsub%2Frepo" as GitLab wants it, and an unescaped path does
	// not match, as on GitLab.
	mux.HandleFunc("POST "+apiPrefix+"/projects/{id}/statuses/{sha}", s.guard(s.createStatus))
	mux.HandleFunc("GET "+apiPrefix+"/projects/{id}/repository/commits/{sha}/statuses", s.guard(s.listStatuses))
	mux.HandleFunc("GET "+apiPrefix+"/projects/{id}/merge_requests/{iid}/notes", s.guard(s.listNotes))
	mux.HandleFunc("POST "+apiPrefix+"/projects/{id}/merge_requests/{iid}/notes", s.guard(s.createNote))
	mux.HandleFunc("PUT "+apiPrefix+"/projects/{id}/merge_requests/{iid}/notes/{note_id}", s.guard(s.editNote))
	s.branchRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "404 Not Found")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		mux.ServeHTTP(rec, r)
		s.log("gitlabtest: %s %s -> %d", r.Method, r.RequestURI, rec.code)
	})
}

// guard answers with the failure the test asked for, or as GitLab does
// without a valid token.
func (s *Server) guard(next handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if code := s.failure(); code != 0 {
			fail(w, code)
			return
		}
		token, ok := tokenOf(r)
		if !ok {
			writeMessage(w, http.StatusUnauthorized, "401 Unauthorized")
			return
		}
		user, ok := s.authorise(token)
		if !ok {
			writeMessage(w, http.StatusUnauthorized, "401 Unauthorized")
			return
		}
		next(w, r, user)
	}
}

// tokenOf finds the token where GitLab looks for one, in its order.
func tokenOf(r *http.Request) (string, bool) {
	if t := r.URL.Query().Get("private_token"); t != "" {
		return t, true
	}
	if t := strings.TrimSpace(r.Header.Get("Private-Token")); t != "" {
		return t, true
	}
	scheme, t, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	t = strings.TrimSpace(t)
	if ok && t != "" && strings.EqualFold(scheme, "bearer") {
		return t, true
	}
	return "", false
}

// fail answers as GitLab's front does when it is down or limiting: a rate
// limit is plain text with Retry-After, an outage a JSON message.
func fail(w http.ResponseWriter, code int) {
	if code == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(code)
		_, _ = w.Write([]byte("Retry later\n"))
		return
	}
	writeMessage(w, code, strconv.Itoa(code)+" "+http.StatusText(code))
}

// statusRecorder keeps the status code for the request log.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}
