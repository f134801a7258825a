// Package localfaas is an OpenFaaS-gateway-compatible server for a single
// machine: the gateway's /system API (functions, scale, secrets, info) with
// basic auth, and /function/<name> invocation, over a State kept on disk
// and a Runtime that runs the functions.
package localfaas

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/openfaas/faas-provider/auth"
	"github.com/openfaas/faas-provider/types"
)

// Config holds what a Server needs.
type Config struct {
	// Username and Password guard /system/* with basic auth. Required.
	Username string
	Password string
	// Resolver checks images before they are recorded. Required.
	Resolver ImageResolver
	// State holds functions and secrets (default: in memory).
	State *State
	// Runtime runs functions (default: NoRuntime).
	Runtime Runtime
	// Version and SHA are reported by /system/info.
	Version string
	SHA     string
	// Logger receives a line per change (default: slog.Default()).
	Logger *slog.Logger
}

// Server serves the gateway API. It is an http.Handler, safe for
// concurrent use.
type Server struct {
	state    *State
	resolver ImageResolver
	runtime  Runtime
	log      *slog.Logger
	version  string
	sha      string
	mux      http.Handler
}

// New checks cfg, fills its defaults and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Username == "" || cfg.Password == "" {
		return nil, errors.New("localfaas: basic auth username and password are required")
	}
	if cfg.Resolver == nil {
		return nil, errors.New("localfaas: an image resolver is required")
	}
	if cfg.State == nil {
		st, err := OpenState("")
		if err != nil {
			return nil, err
		}
		cfg.State = st
	}
	if cfg.Runtime == nil {
		cfg.Runtime = NoRuntime{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{
		state: cfg.State, resolver: cfg.Resolver, runtime: cfg.Runtime, log: cfg.Logger,
		version: cfg.Version, sha: cfg.SHA,
	}
	s.mux = routes(s.handlers(), &auth.BasicAuthCredentials{User: cfg.Username, Password: cfg.Password})
	return s, nil
}

// ServeHTTP serves the gateway API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Restore applies every recorded function to the runtime, so that what
// was deployed before a restart runs again (a runtime that adopted its
// containers finds nothing to do), and removes what runs without a record.
func (s *Server) Restore(ctx context.Context) error {
	var errs []error
	for _, fn := range s.state.Functions() {
		if err := s.runtime.Apply(ctx, fn); err != nil {
			errs = append(errs, fmt.Errorf("restore %s: %w", fn.Name(), err))
		}
	}
	running, err := s.runtime.Running(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("restore: %w", err))
	}
	for _, name := range running {
		if _, ok := s.state.Function(name); ok {
			continue
		}
		s.log.Info("removing a function that is not recorded", "function", name)
		if err := s.runtime.Remove(ctx, name); err != nil {
			errs = append(errs, fmt.Errorf("restore: %w", err))
		}
	}
	return errors.Join(errs...)
}

// handlers is the server's side of the faas-provider contract.
func (s *Server) handlers() types.FaaSHandlers {
	return types.FaaSHandlers{
		FunctionLister: s.listFunctions,
		DeployFunction: s.deployFunction(true),
		UpdateFunction: s.deployFunction(false),
		DeleteFunction: s.deleteFunction,
		FunctionStatus: s.functionStatus,
		ScaleFunction:  s.scaleFunction,
		Secrets:        s.secrets,
		Logs:           s.logs,
		Info:           s.info,
		ListNamespaces: s.listNamespaces,
		FunctionProxy:  s.invoke,
		Health:         health,
	}
}

// routes lays out h as bootstrap.Serve does, with basic auth on /system/*.
// bootstrap.Serve itself does not fit: it keeps its router in a package
// variable, listens on every interface and reads credentials from files.
func routes(h types.FaaSHandlers, creds *auth.BasicAuthCredentials) http.Handler {
	guard := func(next http.HandlerFunc) http.HandlerFunc { return auth.DecorateWithBasicAuth(next, creds) }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /system/functions", guard(h.FunctionLister))
	mux.HandleFunc("POST /system/functions", guard(h.DeployFunction))
	mux.HandleFunc("PUT /system/functions", guard(h.UpdateFunction))
	mux.HandleFunc("DELETE /system/functions", guard(h.DeleteFunction))
	mux.HandleFunc("GET /system/function/{name}", guard(h.FunctionStatus))
	mux.HandleFunc("POST /system/scale-function/{name}", guard(h.ScaleFunction))
	mux.HandleFunc("GET /system/info", guard(h.Info))
	mux.HandleFunc("/system/secrets", guard(h.Secrets))
	mux.HandleFunc("GET /system/logs", guard(h.Logs))
	mux.HandleFunc("GET /system/namespaces", guard(h.ListNamespaces))
	mux.HandleFunc("/function/{name}", h.FunctionProxy)
	mux.HandleFunc("/function/{name}/{path...}", h.FunctionProxy)
	mux.HandleFunc("GET /healthz", h.Health)
	return mux
}
