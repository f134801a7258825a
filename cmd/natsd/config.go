package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// Config is what natsd needs to run one JetStream-enabled NATS server.
type Config struct {
	// Host and Port are where clients connect. Port 0 picks a free port.
	Host string
	Port int
	// StoreDir holds the JetStream streams; reusing it keeps their messages
	// across restarts.
	StoreDir string
	// Debug turns on the server's debug logging.
	Debug bool
}

// defaultAddr is the port NATS clients try when given no address.
const defaultAddr = "127.0.0.1:4222"

// parseConfig reads flags first and OFC_NATSD_* variables second, so a flag
// on the command line always beats the environment.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	fs := flag.NewFlagSet("natsd", flag.ContinueOnError)
	fs.SetOutput(usage)
	addr := fs.String("addr", envOr(getenv, "OFC_NATSD_ADDR", defaultAddr),
		"listen address host:port (env OFC_NATSD_ADDR)")
	storeDir := fs.String("store-dir", envOr(getenv, "OFC_NATSD_STORE_DIR", filepath.Join(os.TempDir(), "natsd")),
		"JetStream store directory (env OFC_NATSD_STORE_DIR)")
	debug := fs.Bool("debug", getenv("OFC_NATSD_DEBUG") == "true",
		"debug logging (env OFC_NATSD_DEBUG=true)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}

	host, portText, err := net.SplitHostPort(*addr)
	if err != nil {
		return Config{}, fmt.Errorf("listen address %q: %w", *addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return Config{}, fmt.Errorf("listen address %q: port must be 0-65535", *addr)
	}
	if *storeDir == "" {
		return Config{}, fmt.Errorf("store directory must not be empty")
	}
	return Config{Host: host, Port: port, StoreDir: *storeDir, Debug: *debug}, nil
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}
