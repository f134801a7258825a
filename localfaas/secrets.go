package localfaas

import (
	"net/http"

	"github.com/openfaas/faas-provider/types"
)

// secrets serves /system/secrets: GET lists names (never values), POST
// creates (409 if it exists), PUT updates (404 if it does not), DELETE
// removes (404 if it does not exist).
func (s *Server) secrets(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		if _, err := checkNamespace(r.URL.Query().Get("namespace")); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		names := s.state.SecretNames()
		out := make([]types.Secret, len(names))
		for i, n := range names {
			out[i] = types.Secret{Name: n, Namespace: DefaultNamespace}
		}
		writeJSON(w, http.StatusOK, out)
		return
	}

	var sec types.Secret
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodDelete:
		if !readJSON(w, r, &sec) {
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST, PUT, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := checkSecretName(sec.Name); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := checkNamespace(sec.Namespace); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}

	value := sec.RawValue
	if len(value) == 0 {
		value = []byte(sec.Value)
	}
	var err error
	code := http.StatusAccepted
	switch r.Method {
	case http.MethodPost:
		err, code = s.state.PutSecret(sec.Name, value, true), http.StatusCreated
	case http.MethodPut:
		err = s.state.PutSecret(sec.Name, value, false)
	case http.MethodDelete:
		err = s.state.DeleteSecret(sec.Name)
	}
	if err != nil {
		stateError(w, err)
		return
	}
	s.log.Info("secret changed", "secret", sec.Name, "method", r.Method)
	w.WriteHeader(code)
}
