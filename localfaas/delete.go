package localfaas

import (
	"fmt"
	"net/http"

	"github.com/openfaas/faas-provider/types"
)

// deleteFunction serves DELETE /system/functions.
func (s *Server) deleteFunction(w http.ResponseWriter, r *http.Request) {
	var req types.DeleteFunctionRequest
	if !readJSON(w, r, &req) {
		return
	}
	if _, err := checkNamespace(req.Namespace); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	name := req.FunctionName
	if name == "" {
		http.Error(w, "functionName is required", http.StatusBadRequest)
		return
	}
	if _, ok := s.state.Function(name); !ok {
		http.Error(w, fmt.Sprintf("function %s not found", name), http.StatusNotFound)
		return
	}
	// Stop it before forgetting it: a record without a process can be
	// deleted again, a process without a record would run forever.
	if err := s.runtime.Remove(r.Context(), name); err != nil {
		s.log.Error("remove function", "function", name, "err", err)
		http.Error(w, fmt.Sprintf("remove function %s: %v", name, err), http.StatusInternalServerError)
		return
	}
	if err := s.state.DeleteFunction(name); err != nil {
		stateError(w, err)
		return
	}
	s.log.Info("function deleted", "function", name)
	w.WriteHeader(http.StatusAccepted)
}
