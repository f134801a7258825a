package localfaas

import (
	"fmt"
	"net/http"
)

// invoke serves /function/{name} and /function/{name}/{path...}. It needs
// no auth, as on the gateway: functions guard themselves.
func (s *Server) invoke(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	fn, ok := s.state.Function(name)
	if !ok {
		http.Error(w, fmt.Sprintf("function %s not found", name), http.StatusNotFound)
		return
	}
	s.runtime.Invoke(w, r, fn, "/"+r.PathValue("path"))
}
