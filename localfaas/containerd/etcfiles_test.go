package containerd

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGatewayIP(t *testing.T) {
	tests := []struct {
		subnet, want, wantErr string
	}{
		{subnet: "10.62.0.0/16", want: "10.62.0.1"},
		{subnet: "10.63.7.0/24", want: "10.63.7.1"},
		{subnet: "10.62.0.9/16", want: "10.62.0.1"},
		{subnet: "192.168.5.4/30", want: "192.168.5.5"},
		{subnet: "10.62.0.0/31", wantErr: "too small"},
		{subnet: "fd00::/64", wantErr: "IPv4"},
		{subnet: "10.62.0.0", wantErr: "subnet"},
	}
	for _, tt := range tests {
		gw, addr, err := gatewayIP(tt.subnet)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("gatewayIP(%s) = %v, %v; want an error saying %q", tt.subnet, gw, err, tt.wantErr)
			}
			continue
		}
		_, n, _ := net.ParseCIDR(tt.subnet)
		if err != nil || gw.String() != tt.want || addr.IP.String() != tt.want || addr.Mask.String() != n.Mask.String() {
			t.Errorf("gatewayIP(%s) = %v, %v, %v; want %s with the subnet's mask", tt.subnet, gw, addr, err, tt.want)
		}
	}
}

func TestEtcFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Bridge: "ofc0", Subnet: "10.62.0.0/16", DataDir: dir}
	e, err := newEtcFiles(cfg, net.ParseIP("10.62.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	mounts, err := e.write(dir, "fn.1234", "owner-repo-fn")
	if err != nil {
		t.Fatal(err)
	}
	if len(mounts) != 2 || mounts[0].Destination != "/etc/hosts" || mounts[1].Destination != "/etc/resolv.conf" {
		t.Fatalf("mounts = %+v, want /etc/hosts and /etc/resolv.conf", mounts)
	}
	for _, m := range mounts {
		if m.Type != "bind" || strings.Join(m.Options, ",") != "rbind,ro" {
			t.Errorf("mount %s = %+v, want a read-only bind", m.Destination, m)
		}
	}
	resolv, err := os.ReadFile(mounts[1].Source)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(resolv), "nameserver") {
		t.Errorf("default resolv.conf lists a name server:\n%s", resolv)
	}
	before, err := os.Stat(mounts[0].Source)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.address(dir, "fn.1234", "owner-repo-fn", net.ParseIP("10.62.0.7")); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(mounts[0].Source)
	if err != nil {
		t.Fatal(err)
	}
	// The bind mount follows the inode: the file is rewritten, not replaced.
	if !os.SameFile(before, after) {
		t.Error("hosts was replaced by another file; the container would not see its address")
	}
	hosts, _ := os.ReadFile(mounts[0].Source)
	want := "# Written by localfaas.\n" +
		"127.0.0.1\tlocalhost\n" +
		"::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"10.62.0.7\towner-repo-fn\n" +
		"10.62.0.1\tgateway gateway.openfaas\n"
	if string(hosts) != want {
		t.Errorf("hosts =\n%s\nwant\n%s", hosts, want)
	}

	own := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(own, []byte("nameserver 10.62.0.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.ResolvConf = own
	e2, err := newEtcFiles(cfg, net.ParseIP("10.62.0.1"))
	if err != nil || string(e2.resolv) != "nameserver 10.62.0.1\n" {
		t.Errorf("resolv.conf from %s = %q, %v", own, e2.resolv, err)
	}
	if e2.digest() == e.digest() {
		t.Error("another resolv.conf gives the same digest: containers would keep the old one")
	}
	cfg.ResolvConf = filepath.Join(dir, "missing")
	if _, err := newEtcFiles(cfg, net.ParseIP("10.62.0.1")); err == nil {
		t.Error("a missing resolv.conf was accepted")
	}
}
