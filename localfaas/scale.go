package localfaas

import (
	"fmt"
	"net/http"

	"github.com/openfaas/faas-provider/types"
)

// maxReplicas bounds a scale request: this is one machine.
const maxReplicas = 20

// scaleFunction serves POST /system/scale-function/{name}.
func (s *Server) scaleFunction(w http.ResponseWriter, r *http.Request) {
	var req types.ScaleServiceRequest
	if !readJSON(w, r, &req) {
		return
	}
	name := r.PathValue("name")
	if req.ServiceName != "" && req.ServiceName != name {
		http.Error(w, fmt.Sprintf("serviceName %q does not match the path's %q", req.ServiceName, name), http.StatusBadRequest)
		return
	}
	if _, err := checkNamespace(req.Namespace); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if req.Replicas > maxReplicas {
		http.Error(w, fmt.Sprintf("replicas %d: at most %d", req.Replicas, maxReplicas), http.StatusBadRequest)
		return
	}
	old, ok := s.state.Function(name)
	if !ok {
		http.Error(w, fmt.Sprintf("function %s not found", name), http.StatusNotFound)
		return
	}
	fn, err := s.state.ScaleFunction(name, req.Replicas)
	if err != nil {
		stateError(w, err)
		return
	}
	if err := s.runtime.Apply(r.Context(), fn); err != nil {
		s.log.Warn("scale function", "function", name, "replicas", req.Replicas, "err", err)
		if _, uerr := s.state.ScaleFunction(name, old.Replicas); uerr != nil {
			s.log.Error("undo a failed scale", "function", name, "err", uerr)
		}
		runtimeError(w, fmt.Errorf("scale function %s: %w", name, err))
		return
	}
	s.log.Info("function scaled", "function", name, "replicas", req.Replicas)
	w.WriteHeader(http.StatusAccepted)
}
