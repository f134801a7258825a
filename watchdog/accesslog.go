package watchdog

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// setDuration sets X-Duration-Seconds to the time since start, in seconds
// with six decimals as the originals format it ("%f").
func setDuration(h http.Header, start time.Time) {
	h.Set("X-Duration-Seconds", strconv.FormatFloat(time.Since(start).Seconds(), 'f', 6, 64))
}

// accessLog logs each function request once answered, as the originals
// do, except Kubernetes' probes, which would fill the function's log.
func accessLog(log *slog.Logger, callID bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.UserAgent(), "kube-probe") {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			attrs := []any{"method", r.Method, "uri", r.RequestURI, "status", sw.status(), "bytes", sw.bytes,
				"seconds", strconv.FormatFloat(time.Since(start).Seconds(), 'f', 4, 64)}
			// An answer cut short (http.ErrAbortHandler) is logged as such,
			// and the panic goes on to the server, which drops the
			// connection so that the client sees it incomplete.
			p := recover()
			if p != nil {
				attrs = append(attrs, "aborted", true)
				defer panic(p)
			}
			if callID {
				id := r.Header.Get("X-Call-Id")
				if id == "" {
					id = "none"
				}
				attrs = append(attrs, "call_id", id)
			}
			log.Info("request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// statusWriter records the status and size of an answer. Unwrap lets
// http.ResponseController reach the connection beneath, for flushing a
// stream and hijacking a WebSocket.
type statusWriter struct {
	http.ResponseWriter
	code  int
	bytes int64
}

func (s *statusWriter) WriteHeader(code int) {
	if s.code == 0 && code >= 200 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// status is the answer's status: 200 when the handler wrote nothing, as
// net/http then answers.
func (s *statusWriter) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}
