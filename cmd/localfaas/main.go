// Command localfaas serves an OpenFaaS-gateway-compatible API on one
// machine, for the development stack and tests: deploy, update, scale,
// delete and describe functions, keep secrets, with basic auth on
// /system/*, and invoke them on /function/<name>. Images are resolved in a
// plain-HTTP registry before a deploy is accepted, and run as containerd
// containers on a CNI bridge.
//
// Environment:
//
//	OFC_LOCALFAAS_ADDR           listen address (default 127.0.0.1:58080)
//	OFC_LOCALFAAS_BRIDGE_PORT    port the same API listens on at the bridge's
//	                             address, where functions reach it as
//	                             gateway.openfaas (default 8080; 0 for none)
//	OFC_LOCALFAAS_REGISTRY       plain-HTTP registry host:port (default 127.0.0.1:5000)
//	OFC_GATEWAY_USER             basic auth user for /system/* (required)
//	OFC_GATEWAY_PASSWORD         basic auth password for /system/* (required)
//	OFC_LOCALFAAS_SECRET_MOUNT_PATH  directory with basic-auth-user and
//	                             basic-auth-password, read instead of the two
//	                             variables above, as the gateway does
//	OFC_LOCALFAAS_STATE_DIR      directory keeping functions, secrets and the
//	                             runtime's files across restarts (required
//	                             with containerd)
//	OFC_LOCALFAAS_RUNTIME        containerd (default) or none (record only)
//	OFC_LOCALFAAS_CONTAINERD     containerd socket (default /run/containerd/containerd.sock)
//	OFC_LOCALFAAS_NAMESPACE      containerd namespace (default ofc)
//	OFC_LOCALFAAS_BRIDGE         CNI bridge (default ofc0)
//	OFC_LOCALFAAS_SUBNET         bridge subnet (default 10.62.0.0/16)
//	OFC_LOCALFAAS_CNI_BIN        CNI plugins (default /usr/lib/cni)
//	OFC_LOCALFAAS_RESOLV_CONF    file mounted as every function's
//	                             /etc/resolv.conf (default: one with no
//	                             name server, since none can be reached)
//	OFC_LOCALFAAS_START_TIMEOUT  how long a new container has to answer
//	                             /_/health (default 20s)
//
// SIGINT or SIGTERM stops it after in-flight requests finish; the
// functions keep running and are adopted by the next start.
// `localfaas teardown` removes every container, image, mount and the bridge
// instead.
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
	"strconv"
	"syscall"
	"time"

	"github.com/ofcbuild/ofc/localfaas"
)

// shutdownGrace bounds how long in-flight requests may take at shutdown.
const shutdownGrace = 10 * time.Second

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := loadConfig(os.LookupEnv)
	if err != nil {
		logger.Error("localfaas: bad configuration", "err", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if len(os.Args) > 1 {
		if os.Args[1] != "teardown" || len(os.Args) > 2 {
			logger.Error("localfaas: usage: localfaas [teardown]")
			os.Exit(2)
		}
		if err := teardown(ctx, cfg, logger); err != nil {
			logger.Error("localfaas teardown", "err", err)
			os.Exit(1)
		}
		return
	}

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
	rt, err := newRuntime(ctx, cfg, state, logger)
	if err != nil {
		return err
	}
	defer rt.close()
	listeners := []net.Listener{ln}
	// Bound before the functions are restored, so that one calling the
	// gateway as it starts finds it.
	bl, err := listenOnBridge(cfg, rt.bridge)
	if err != nil {
		return err
	}
	if bl != nil {
		defer bl.Close()
		listeners = append(listeners, bl)
	}
	version, sha := buildVersion()
	srv, err := localfaas.New(localfaas.Config{
		Username: cfg.User, Password: cfg.Password,
		Resolver: resolver, State: state, Runtime: rt.Runtime,
		Version: version, SHA: sha, Logger: logger,
	})
	if err != nil {
		return err
	}
	// A function that no longer starts must not keep the others from
	// being served: it is reported and the gateway comes up.
	if err := srv.Restore(ctx); err != nil {
		logger.Error("some recorded functions could not be run again", "err", err)
	}

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
	}
	// One server on every listener: the same API, the same auth, and one
	// shutdown closes them all.
	done := make(chan error, len(listeners))
	for _, l := range listeners {
		go func() { done <- hs.Serve(l) }()
	}
	bridgeAddr := ""
	if bl != nil {
		bridgeAddr = bl.Addr().String()
	}
	logger.Info("localfaas ready", "addr", ln.Addr().String(), "bridge_addr", bridgeAddr,
		"registry", cfg.Registry, "runtime", cfg.Runtime,
		"state_dir", cfg.StateDir, "functions", len(state.Functions()))

	var served error
	select {
	case served = <-done:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if served != nil {
		return fmt.Errorf("serve: %w", served)
	}
	for range listeners {
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	}
	logger.Info("localfaas stopped")
	return nil
}

// listenOnBridge listens at the bridge's address on cfg.BridgePort, where
// the functions' /etc/hosts sends gateway and gateway.openfaas. It
// returns nil when there is no bridge (runtime none) or no port.
func listenOnBridge(cfg Config, bridge net.IP) (net.Listener, error) {
	if bridge == nil || cfg.BridgePort == 0 {
		return nil, nil
	}
	addr := net.JoinHostPort(bridge.String(), strconv.Itoa(cfg.BridgePort))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on bridge %s at %s (OFC_LOCALFAAS_BRIDGE_PORT, 0 for none): %w",
			cfg.Containerd.Bridge, addr, err)
	}
	return ln, nil
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
