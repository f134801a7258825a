package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/testenv"
)

// With the containerd runtime the gateway also serves on the bridge's
// address, where functions reach it as gateway.openfaas, and stops
// serving there when it stops.
func TestServeListensOnTheBridge(t *testing.T) {
	vals := testenv.Require(t, "OFC_CONTAINERD_ADDR", "OFC_REGISTRY")
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	suffix := hex.EncodeToString(b[:3])
	cfg := Config{
		Addr: "127.0.0.1:0", BridgePort: 8080, Registry: vals["OFC_REGISTRY"], User: "admin", Password: "pw",
		StateDir: t.TempDir(), Runtime: runtimeContainerd,
		Containerd: ContainerdConfig{
			Address: vals["OFC_CONTAINERD_ADDR"], Namespace: "ofc-test-" + suffix, Bridge: "ofcm" + suffix,
			Subnet: fmt.Sprintf("10.63.%d.0/24", b[3]), CNIBinDir: "/usr/lib/cni", StartTimeout: 5 * time.Second,
		},
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Cleanup(func() {
		if err := teardown(context.Background(), cfg, logger); err != nil {
			t.Errorf("teardown: %v", err)
		}
		if _, err := net.InterfaceByName(cfg.Containerd.Bridge); err == nil {
			t.Errorf("bridge %s is left", cfg.Containerd.Bridge)
		}
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	stop := startServe(t, ln, cfg, logger)

	// Until serve answers on 127.0.0.1 the bridge may not exist yet, and a
	// request to its address would leave the machine: wait for that first.
	var res *http.Response
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err = http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("the gateway does not answer: %v", err)
	}
	res.Body.Close()
	bridge := fmt.Sprintf("http://10.63.%d.1:8080", b[3])
	if res, err = http.Get(bridge + "/healthz"); err != nil {
		t.Fatalf("the gateway does not answer on the bridge: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET %s/healthz = %d, want 200", bridge, res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, bridge+"/system/functions", nil)
	for _, auth := range []bool{false, true} {
		if auth {
			req.SetBasicAuth(cfg.User, cfg.Password)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if want := map[bool]int{false: http.StatusUnauthorized, true: http.StatusOK}[auth]; res.StatusCode != want {
			t.Errorf("GET %s/system/functions (credentials: %v) = %d, want %d", bridge, auth, res.StatusCode, want)
		}
	}
	if _, err := http.Get(bridge + "/function/missing"); err != nil {
		t.Errorf("invocation on the bridge: %v", err)
	}

	stop()
	if c, err := net.DialTimeout("tcp", bridge[len("http://"):], time.Second); err == nil {
		c.Close()
		t.Errorf("something still listens on %s after the gateway stopped", bridge)
	}
}
