// Command localfaas serves an OpenFaaS-gateway-compatible API on one
// machine, for the development stack and tests: deploy, update, scale,
// delete and describe functions, keep secrets, with basic auth on
// /system/*. Images are resolved in a plain-HTTP registry before a deploy
// is accepted; functions are recorded but not yet run, so invocations
// answer 503.
//
// Environment:
//
//	OFC_LOCALFAAS_ADDR       listen address (default 127.0.0.1:58080)
//	OFC_LOCALFAAS_REGISTRY   plain-HTTP registry host:port (default 127.0.0.1:5000)
//	OFC_GATEWAY_USER         basic auth user for /system/* (required)
//	OFC_GATEWAY_PASSWORD     basic auth password for /system/* (required)
//	OFC_LOCALFAAS_STATE_DIR  directory keeping functions and secrets across
//	                         restarts (default: none, kept in memory)
//
// SIGINT or SIGTERM stops it after in-flight requests finish.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/ofcbuild/ofc/localfaas"
)

// shutdownGrace bounds how long in-flight requests may take at shutdown.
const shutdownGrace = 10 * time.Second

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		logger.Error("localfaas: bad configuration", "err", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		logger.Error("localfaas: listen", "addr", cfg.Addr, "err", err)
		os.Exit(1)
	}
	if err := serve(ctx, ln, cfg, logger); err != nil {
		logger.Error("localfaas", "err", err)
		os.Exit(1)
	}
}

// serve builds the server from cfg and serves ln until ctx ends.
func serve(ctx context.Context, ln net.Listener, cfg Config, logger *slog.Logger) error {
	defer ln.Close()
	if cfg.StateDir == "" {
		logger.Warn("OFC_LOCALFAAS_STATE_DIR is not set: functions and secrets are lost on restart")
	}
	state, err := localfaas.OpenState(cfg.StateDir)
	if err != nil {
		return err
	}
	resolver, err := localfaas.NewRegistryResolver(localfaas.RegistryConfig{Registry: cfg.Registry})
	if err != nil {
		return err
	}
	version, sha := buildVersion()
	srv, err := localfaas.New(localfaas.Config{
		Username: cfg.User, Password: cfg.Password,
		Resolver: resolver, State: state, Runtime: localfaas.NoRuntime{},
		Version: version, SHA: sha, Logger: logger,
	})
	if err != nil {
		return err
	}
	if err := srv.Restore(ctx); err != nil {
		return fmt.Errorf("restore functions: %w", err)
	}

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	logger.Info("localfaas ready", "addr", ln.Addr().String(), "registry", cfg.Registry,
		"state_dir", cfg.StateDir, "functions", len(state.Functions()))

	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("localfaas stopped")
	return nil
}

// buildVersion is the module version and VCS revision the binary was
// built from, as far as the toolchain recorded them.
func buildVersion() (version, sha string) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev", ""
	}
	version = info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			sha = s.Value
		}
	}
	return version, sha
}
