package main

import (
	"net/http"

	"github.com/ofcbuild/ofc/api"
)

// mountWriteSide registers what API tokens of scope write may ask for
// (rebuild, cancel, roll back) and the record of what was asked.
func mountWriteSide(mux *http.ServeMux, c api.WriteConfig) {
	mux.HandleFunc("POST /api/builds/{id}/rebuild", api.Rebuild(c))
	mux.HandleFunc("POST /api/builds/{id}/cancel", api.Cancel(c))
	mux.HandleFunc("POST /api/rollback", api.Rollback(c))
	mux.HandleFunc("GET /api/builds/{id}/actions", api.ListActions(c))
}
