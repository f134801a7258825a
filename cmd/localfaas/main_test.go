package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

func env(vars map[string]string) envconfig.Lookup { return envconfig.Map(vars) }

// defaultContainerdConfig is the containerd runtime's part of the
// configuration when no variable sets it.
var defaultContainerdConfig = ContainerdConfig{
	Address: "/run/containerd/containerd.sock", Namespace: "ofc", Bridge: "ofc0",
	Subnet: "10.62.0.0/16", CNIBinDir: "/usr/lib/cni", StartTimeout: 20 * time.Second,
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		want    Config
		wantErr []string
	}{
		{
			name: "defaults",
			vars: map[string]string{"OFC_GATEWAY_USER": "admin", "OFC_GATEWAY_PASSWORD": "pw", "OFC_LOCALFAAS_STATE_DIR": "/var/lib/localfaas"},
			want: Config{
				Addr: "127.0.0.1:58080", BridgePort: 8080, Registry: "127.0.0.1:5000", User: "admin", Password: "pw",
				StateDir: "/var/lib/localfaas", Runtime: "containerd",
				Containerd: defaultContainerdConfig,
			},
		},
		{
			name: "everything set",
			vars: map[string]string{
				"OFC_LOCALFAAS_ADDR": "0.0.0.0:8080", "OFC_LOCALFAAS_REGISTRY": "registry.local:5001",
				"OFC_GATEWAY_USER": "u", "OFC_GATEWAY_PASSWORD": "p", "OFC_LOCALFAAS_STATE_DIR": "/srv/lf",
				"OFC_LOCALFAAS_CONTAINERD": "/srv/c.sock", "OFC_LOCALFAAS_NAMESPACE": "fn", "OFC_LOCALFAAS_BRIDGE": "fn0",
				"OFC_LOCALFAAS_SUBNET": "10.9.0.0/24", "OFC_LOCALFAAS_CNI_BIN": "/opt/cni/bin", "OFC_LOCALFAAS_START_TIMEOUT": "5s",
				"OFC_LOCALFAAS_BRIDGE_PORT": "9090", "OFC_LOCALFAAS_RESOLV_CONF": "/srv/resolv.conf",
			},
			want: Config{
				Addr: "0.0.0.0:8080", BridgePort: 9090, Registry: "registry.local:5001", User: "u", Password: "p", StateDir: "/srv/lf",
				Runtime: "containerd",
				Containerd: ContainerdConfig{
					Address: "/srv/c.sock", Namespace: "fn", Bridge: "fn0",
					Subnet: "10.9.0.0/24", CNIBinDir: "/opt/cni/bin", ResolvConf: "/srv/resolv.conf", StartTimeout: 5 * time.Second,
				},
			},
		},
		{
			name: "record only",
			vars: map[string]string{"OFC_GATEWAY_USER": "u", "OFC_GATEWAY_PASSWORD": "p", "OFC_LOCALFAAS_RUNTIME": "none"},
			want: Config{
				Addr: "127.0.0.1:58080", BridgePort: 8080, Registry: "127.0.0.1:5000", User: "u", Password: "p", Runtime: "none",
				Containerd: defaultContainerdConfig,
			},
		},
		{
			name: "containerd without a state directory, bad runtime settings",
			vars: map[string]string{
				"OFC_GATEWAY_USER": "u", "OFC_GATEWAY_PASSWORD": "p",
				"OFC_LOCALFAAS_SUBNET": "10.9.0.0", "OFC_LOCALFAAS_START_TIMEOUT": "soon",
			},
			wantErr: []string{"OFC_LOCALFAAS_STATE_DIR is required", `OFC_LOCALFAAS_SUBNET "10.9.0.0"`, "OFC_LOCALFAAS_START_TIMEOUT"},
		},
		{
			name:    "unknown runtime",
			vars:    map[string]string{"OFC_GATEWAY_USER": "u", "OFC_GATEWAY_PASSWORD": "p", "OFC_LOCALFAAS_RUNTIME": "docker"},
			wantErr: []string{`OFC_LOCALFAAS_RUNTIME "docker": want containerd or none`},
		},
		{
			name:    "credentials missing",
			vars:    map[string]string{},
			wantErr: []string{"OFC_GATEWAY_USER is required", "OFC_GATEWAY_PASSWORD is required"},
		},
		{
			name: "no bridge listener",
			vars: map[string]string{"OFC_GATEWAY_USER": "u", "OFC_GATEWAY_PASSWORD": "p", "OFC_LOCALFAAS_RUNTIME": "none", "OFC_LOCALFAAS_BRIDGE_PORT": "0"},
			want: Config{Addr: "127.0.0.1:58080", Registry: "127.0.0.1:5000", User: "u", Password: "p", Runtime: "none", Containerd: defaultContainerdConfig},
		},
		{
			name:    "bad bridge port",
			vars:    map[string]string{"OFC_GATEWAY_USER": "u", "OFC_GATEWAY_PASSWORD": "p", "OFC_LOCALFAAS_RUNTIME": "none", "OFC_LOCALFAAS_BRIDGE_PORT": "70000"},
			wantErr: []string{"OFC_LOCALFAAS_BRIDGE_PORT 70000: want a port, or 0 for none"},
		},
		{
			name:    "bad address",
			vars:    map[string]string{"OFC_LOCALFAAS_ADDR": "58080", "OFC_GATEWAY_USER": "u", "OFC_GATEWAY_PASSWORD": "p"},
			wantErr: []string{`OFC_LOCALFAAS_ADDR "58080": want host:port`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := loadConfig(env(tt.vars))
			if len(tt.wantErr) == 0 {
				if err != nil || got != tt.want {
					t.Errorf("loadConfig = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatal("loadConfig succeeded, want an error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestLoadConfigReadsCredentialsFromFiles(t *testing.T) {
	dir := t.TempDir()
	for name, v := range map[string]string{"basic-auth-user": "fileuser\n", "basic-auth-password": "filepass\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := loadConfig(env(map[string]string{
		"OFC_LOCALFAAS_SECRET_MOUNT_PATH": dir, "OFC_LOCALFAAS_RUNTIME": "none",
		"OFC_GATEWAY_USER": "ignored", "OFC_GATEWAY_PASSWORD": "ignored",
	}))
	if err != nil || cfg.User != "fileuser" || cfg.Password != "filepass" {
		t.Errorf("credentials from %s = %q/%q, %v; want fileuser/filepass", dir, cfg.User, cfg.Password, err)
	}
	_, err = loadConfig(env(map[string]string{"OFC_LOCALFAAS_SECRET_MOUNT_PATH": t.TempDir(), "OFC_LOCALFAAS_RUNTIME": "none"}))
	if err == nil || !strings.Contains(err.Error(), "basic-auth-user") {
		t.Errorf("empty secret mount path: %v, want an error naming basic-auth-user", err)
	}
}

func TestServeAnswersAndStops(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Addr: ln.Addr().String(), Registry: "127.0.0.1:5000", User: "admin", Password: "pw", StateDir: t.TempDir(), Runtime: runtimeNone}
	stop := startServe(t, ln, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))

	base := "http://" + ln.Addr().String()
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d, want 200", res.StatusCode)
	}
	res, err = http.Get(base + "/system/functions")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /system/functions without auth = %d, want 401", res.StatusCode)
	}

	stop()
}

// startServe runs serve on ln in the background; the function it returns
// stops it and checks that it stopped cleanly.
func startServe(t *testing.T, ln net.Listener, cfg Config, logger *slog.Logger) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, cfg, logger) }()
	return func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve = %v, want a clean stop", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop after its context ended")
		}
	}
}
