package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"

	"github.com/ofcbuild/ofc/localfaas"
	"github.com/ofcbuild/ofc/localfaas/containerd"
)

// functionRuntime is the runtime cfg names, with what the server needs of it.
type functionRuntime struct {
	localfaas.Runtime
	// bridge is the address the functions reach this host at, where the
	// gateway listens for them too; nil when functions do not run.
	bridge net.IP
	close  func()
}

// newRuntime builds the runtime cfg names. The containerd runtime makes
// its bridge before it returns, so the gateway can listen there.
func newRuntime(ctx context.Context, cfg Config, secrets containerd.Secrets, logger *slog.Logger) (functionRuntime, error) {
	if cfg.Runtime == runtimeNone {
		logger.Warn("OFC_LOCALFAAS_RUNTIME=none: functions are recorded, not run")
		return functionRuntime{Runtime: localfaas.NoRuntime{}, close: func() {}}, nil
	}
	rt, err := containerdRuntime(ctx, cfg, secrets, logger)
	if err != nil {
		return functionRuntime{}, err
	}
	return functionRuntime{Runtime: rt, bridge: rt.GatewayIP(), close: func() {
		if err := rt.Close(); err != nil {
			logger.Warn("close the containerd runtime", "err", err)
		}
	}}, nil
}

func containerdRuntime(ctx context.Context, cfg Config, secrets containerd.Secrets, logger *slog.Logger) (*containerd.Runtime, error) {
	c := cfg.Containerd
	rt, err := containerd.New(ctx, containerd.Config{
		Address:      c.Address,
		Namespace:    c.Namespace,
		DataDir:      filepath.Join(cfg.StateDir, "runtime"),
		Secrets:      secrets,
		Bridge:       c.Bridge,
		Subnet:       c.Subnet,
		CNIBinDir:    c.CNIBinDir,
		ResolvConf:   c.ResolvConf,
		PlainHTTP:    []string{cfg.Registry},
		StartTimeout: c.StartTimeout,
		Logger:       logger,
	})
	if err != nil {
		return nil, fmt.Errorf("containerd runtime: %w", err)
	}
	return rt, nil
}

// teardown removes every container, image and mount of the runtime and
// its bridge. The recorded functions stay, so the next start runs them
// again.
func teardown(ctx context.Context, cfg Config, logger *slog.Logger) error {
	if cfg.Runtime != runtimeContainerd {
		return nil
	}
	state, err := localfaas.OpenState(cfg.StateDir)
	if err != nil {
		return err
	}
	rt, err := containerdRuntime(ctx, cfg, state, logger)
	if err != nil {
		return err
	}
	defer rt.Close()
	if err := rt.Teardown(ctx); err != nil {
		return err
	}
	logger.Info("localfaas runtime torn down", "namespace", cfg.Containerd.Namespace, "bridge", cfg.Containerd.Bridge)
	return nil
}
