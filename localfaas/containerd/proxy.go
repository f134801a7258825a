package containerd

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httputil"

	"github.com/ofcbuild/ofc/localfaas"
)

// Invoke sends the call to one of fn's containers, with its method,
// headers, query and body, and streams the answer back. With no container
// serving it answers 503; when the container cannot be reached, 502.
func (r *Runtime) Invoke(w http.ResponseWriter, req *http.Request, fn localfaas.Function, path string) {
	f := r.lookup(fn.Name())
	var in *instance
	if f != nil {
		in = f.pick()
	}
	if in == nil {
		http.Error(w, fmt.Sprintf("function %s has no replica running (replicas: %d)", fn.Name(), fn.Replicas), http.StatusServiceUnavailable)
		return
	}
	in.inflight.Add(1)
	defer in.inflight.Add(-1)
	// A function may answer before it has read the whole request (a CGI
	// echoes headers first, a stream answers as it reads). Without full
	// duplex the server closes the request body at the first byte of the
	// answer, and the rest of the request never reaches the function.
	if err := http.NewResponseController(w).EnableFullDuplex(); err != nil {
		r.log.Debug("full duplex", "function", fn.Name(), "err", err)
	}

	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = in.addr
			pr.Out.URL.Path = path
			pr.Out.URL.RawPath = ""
			pr.Out.Host = in.addr
			pr.SetXForwarded()
		},
		// Streamed answers (server-sent events, large bodies) go out as
		// they come.
		FlushInterval: -1,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			r.log.Warn("invoke", "function", fn.Name(), "container", in.id, "err", err)
			http.Error(w, fmt.Sprintf("function %s: cannot reach its container: %v", fn.Name(), err), http.StatusBadGateway)
		},
	}
	proxy.ServeHTTP(w, req)
}

func newRequest(ctx context.Context, url string) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
}
