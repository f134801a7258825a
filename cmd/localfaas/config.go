package main

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/openfaas/faas-provider/auth"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

// Config is what localfaas needs, read from OFC_* variables.
type Config struct {
	// Addr is where the gateway API listens.
	Addr string
	// BridgePort is where the gateway API also listens on the bridge's
	// address, for the functions (0: not there). Containerd runtime only.
	BridgePort int
	// Registry is the plain-HTTP registry images are resolved in.
	Registry string
	// User and Password guard /system/* with basic auth.
	User     string
	Password string
	// StateDir keeps deployments and secrets across restarts, and the
	// runtime's files; empty keeps them in memory (runtime "none" only).
	StateDir string
	// Runtime is "containerd" (run the functions) or "none" (record them).
	Runtime string
	// Containerd is how the containerd runtime is set up.
	Containerd ContainerdConfig
}

// ContainerdConfig is the containerd runtime's part of Config.
type ContainerdConfig struct {
	Address      string
	Namespace    string
	Bridge       string
	Subnet       string
	CNIBinDir    string
	ResolvConf   string
	StartTimeout time.Duration
}

// Runtimes localfaas knows.
const (
	runtimeContainerd = "containerd"
	runtimeNone       = "none"
)

// Defaults of the optional variables.
const (
	defaultAddr       = "127.0.0.1:58080"
	defaultBridgePort = 8080
	defaultRegistry   = "127.0.0.1:5000"
	defaultContainerd = "/run/containerd/containerd.sock"
)

// loadConfig reads the configuration through look, so tests never touch
// the process environment.
func loadConfig(look envconfig.Lookup) (Config, error) {
	env := envconfig.New(look)
	cfg := Config{
		Addr:       env.String("OFC_LOCALFAAS_ADDR", defaultAddr),
		BridgePort: env.Int("OFC_LOCALFAAS_BRIDGE_PORT", defaultBridgePort),
		Registry:   env.String("OFC_LOCALFAAS_REGISTRY", defaultRegistry),
		StateDir:   env.String("OFC_LOCALFAAS_STATE_DIR", ""),
		Runtime:    env.String("OFC_LOCALFAAS_RUNTIME", runtimeContainerd),
		Containerd: ContainerdConfig{
			Address:      env.String("OFC_LOCALFAAS_CONTAINERD", defaultContainerd),
			Namespace:    env.String("OFC_LOCALFAAS_NAMESPACE", "ofc"),
			Bridge:       env.String("OFC_LOCALFAAS_BRIDGE", "ofc0"),
			Subnet:       env.String("OFC_LOCALFAAS_SUBNET", "10.62.0.0/16"),
			CNIBinDir:    env.String("OFC_LOCALFAAS_CNI_BIN", "/usr/lib/cni"),
			ResolvConf:   env.String("OFC_LOCALFAAS_RESOLV_CONF", ""),
			StartTimeout: env.Duration("OFC_LOCALFAAS_START_TIMEOUT", 20*time.Second),
		},
	}
	errs := []error{readCredentials(env, &cfg)}
	errs = append(errs, env.Err())
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		errs = append(errs, fmt.Errorf("OFC_LOCALFAAS_ADDR %q: want host:port", cfg.Addr))
	}
	if cfg.BridgePort < 0 || cfg.BridgePort > 65535 {
		errs = append(errs, fmt.Errorf("OFC_LOCALFAAS_BRIDGE_PORT %d: want a port, or 0 for none", cfg.BridgePort))
	}
	switch cfg.Runtime {
	case runtimeNone:
	case runtimeContainerd:
		if cfg.StateDir == "" {
			errs = append(errs, errors.New("OFC_LOCALFAAS_STATE_DIR is required with the containerd runtime: it keeps the functions that run"))
		}
		if _, _, err := net.ParseCIDR(cfg.Containerd.Subnet); err != nil {
			errs = append(errs, fmt.Errorf("OFC_LOCALFAAS_SUBNET %q: want a CIDR such as 10.62.0.0/16", cfg.Containerd.Subnet))
		}
	default:
		errs = append(errs, fmt.Errorf("OFC_LOCALFAAS_RUNTIME %q: want %s or %s", cfg.Runtime, runtimeContainerd, runtimeNone))
	}
	return cfg, errors.Join(errs...)
}

// readCredentials fills the basic auth credentials: from the files
// basic-auth-user and basic-auth-password in OFC_LOCALFAAS_SECRET_MOUNT_PATH,
// as the OpenFaaS gateway and faasd read them, or else from
// OFC_GATEWAY_USER and OFC_GATEWAY_PASSWORD.
func readCredentials(env *envconfig.Reader, cfg *Config) error {
	dir := env.String("OFC_LOCALFAAS_SECRET_MOUNT_PATH", "")
	if dir == "" {
		cfg.User = env.Required("OFC_GATEWAY_USER", "it guards /system/*")
		cfg.Password = env.Required("OFC_GATEWAY_PASSWORD", "it guards /system/*")
		return nil
	}
	creds, err := (&auth.ReadBasicAuthFromDisk{SecretMountPath: dir}).Read()
	if err != nil {
		return fmt.Errorf("OFC_LOCALFAAS_SECRET_MOUNT_PATH: %w", err)
	}
	if creds.User == "" || creds.Password == "" {
		return fmt.Errorf("OFC_LOCALFAAS_SECRET_MOUNT_PATH: basic-auth-user and basic-auth-password in %s must not be empty", dir)
	}
	cfg.User, cfg.Password = creds.User, creds.Password
	return nil
}
