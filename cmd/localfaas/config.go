package main

import (
	"errors"
	"fmt"
	"net"
)

// Config is what localfaas needs, read from OFC_* variables.
type Config struct {
	// Addr is where the gateway API listens.
	Addr string
	// Registry is the plain-HTTP registry images are resolved in.
	Registry string
	// User and Password guard /system/* with basic auth.
	User     string
	Password string
	// StateDir keeps deployments and secrets across restarts; empty keeps
	// them in memory only.
	StateDir string
}

// Defaults of the optional variables.
const (
	defaultAddr     = "127.0.0.1:58080"
	defaultRegistry = "127.0.0.1:5000"
)

// loadConfig reads the configuration through getenv, so tests never touch
// the process environment.
func loadConfig(getenv func(string) string) (Config, error) {
	cfg := Config{
		Addr:     envOr(getenv, "OFC_LOCALFAAS_ADDR", defaultAddr),
		Registry: envOr(getenv, "OFC_LOCALFAAS_REGISTRY", defaultRegistry),
		User:     getenv("OFC_GATEWAY_USER"),
		Password: getenv("OFC_GATEWAY_PASSWORD"),
		StateDir: getenv("OFC_LOCALFAAS_STATE_DIR"),
	}
	var errs []error
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		errs = append(errs, fmt.Errorf("OFC_LOCALFAAS_ADDR %q: want host:port", cfg.Addr))
	}
	if cfg.User == "" {
		errs = append(errs, errors.New("OFC_GATEWAY_USER is required"))
	}
	if cfg.Password == "" {
		errs = append(errs, errors.New("OFC_GATEWAY_PASSWORD is required"))
	}
	return cfg, errors.Join(errs...)
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}
