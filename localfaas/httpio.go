package localfaas

import (
	"encoding/json"
	"errors"
	"net/http"
)

// maxBody bounds a request body; deployments and secrets are small.
const maxBody = 1 << 20

// readJSON decodes r's body into v, or answers 400 and returns false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(v); err != nil {
		http.Error(w, "invalid request body: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// stateError answers an error of the State: 404, 409, or 500 when the
// state could not be written.
func stateError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		http.Error(w, err.Error(), http.StatusNotFound)
	case errors.Is(err, ErrExists):
		http.Error(w, err.Error(), http.StatusConflict)
	default:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// runtimeError answers a runtime's failure: 400 when the deployment is at
// fault (ErrNotStarted), 500 otherwise.
func runtimeError(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrNotStarted) {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	http.Error(w, err.Error(), http.StatusInternalServerError)
}
