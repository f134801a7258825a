package localfaas

import (
	"context"
	"fmt"
	"net/http"

	"github.com/openfaas/faas-provider/types"
)

// listFunctions serves GET /system/functions.
func (s *Server) listFunctions(w http.ResponseWriter, r *http.Request) {
	if _, err := checkNamespace(r.URL.Query().Get("namespace")); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fns := s.state.Functions()
	out := make([]types.FunctionStatus, 0, len(fns))
	for _, fn := range fns {
		out = append(out, fn.status(s.available(r.Context(), fn)))
	}
	writeJSON(w, http.StatusOK, out)
}

// functionStatus serves GET /system/function/{name}.
func (s *Server) functionStatus(w http.ResponseWriter, r *http.Request) {
	if _, err := checkNamespace(r.URL.Query().Get("namespace")); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	name := r.PathValue("name")
	fn, ok := s.state.Function(name)
	if !ok {
		http.Error(w, fmt.Sprintf("function %s not found", name), http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, fn.status(s.available(r.Context(), fn)))
}

// available asks the runtime; a runtime that cannot tell reports none, as
// a gateway does for a function it cannot see running.
func (s *Server) available(ctx context.Context, fn Function) uint64 {
	n, err := s.runtime.Available(ctx, fn)
	if err != nil {
		s.log.Warn("available replicas", "function", fn.Name(), "err", err)
		return 0
	}
	return n
}
