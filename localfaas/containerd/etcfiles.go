package containerd

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// gatewayNames are the names a function reaches the gateway by, as on
// faasd (gateway) and Kubernetes (gateway.openfaas). /etc/hosts maps them
// to the bridge's address.
var gatewayNames = []string{"gateway", "gateway.openfaas"}

// etcFiles are the /etc/hosts and /etc/resolv.conf every container of a
// runtime gets, as faasd bind-mounts them into its functions.
type etcFiles struct {
	gateway net.IP
	// resolv is the whole of /etc/resolv.conf.
	resolv []byte
}

// newEtcFiles prepares the files for a bridge whose gateway is gw. With
// resolvConf empty, /etc/resolv.conf lists no name server (see
// defaultResolvConf); otherwise it is a copy of the file at resolvConf.
func newEtcFiles(cfg Config, gw net.IP) (etcFiles, error) {
	e := etcFiles{gateway: gw, resolv: defaultResolvConf(cfg, gw)}
	if cfg.ResolvConf != "" {
		b, err := os.ReadFile(cfg.ResolvConf)
		if err != nil {
			return etcFiles{}, fmt.Errorf("resolv.conf for functions: %w", err)
		}
		e.resolv = b
	}
	return e, nil
}

// defaultResolvConf names no name server. The bridge has no masquerading,
// so a container reaches this host's bridge address and the other
// containers, nothing else: the host's own name servers are either on its
// loopback or beyond the bridge, and a query sent there would wait for its
// timeout or leave the machine with an address nobody routes back. With
// no name server a resolver asks 127.0.0.1 inside the container, where
// nothing listens, and fails at once; the gateway's names are in
// /etc/hosts.
func defaultResolvConf(cfg Config, gw net.IP) []byte {
	return []byte(fmt.Sprintf(`# Written by localfaas. Functions run on bridge %s (%s) without
# masquerading: they reach the gateway at %s and one another, nothing
# beyond, so no name server is listed and lookups of other names fail at
# once. %s resolve through /etc/hosts.
`, cfg.Bridge, cfg.Subnet, gw, strings.Join(gatewayNames, " and ")))
}

// hosts is /etc/hosts for the container of function name at ip (nil
// before it has one).
func (e etcFiles) hosts(name string, ip net.IP) []byte {
	var b strings.Builder
	b.WriteString("# Written by localfaas.\n")
	b.WriteString("127.0.0.1\tlocalhost\n")
	b.WriteString("::1\tlocalhost ip6-localhost ip6-loopback\n")
	if ip != nil {
		fmt.Fprintf(&b, "%s\t%s\n", ip, name)
	} else {
		fmt.Fprintf(&b, "127.0.1.1\t%s\n", name)
	}
	fmt.Fprintf(&b, "%s\t%s\n", e.gateway, strings.Join(gatewayNames, " "))
	return []byte(b.String())
}

// write puts the container's files in its own directory and returns their
// mounts. They are mounted read-only, as faasd does.
func (e etcFiles) write(dataDir, id, name string) ([]specs.Mount, error) {
	dir := filepath.Join(etcRoot(dataDir), id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("files of %s: %w", id, err)
	}
	files := []struct {
		name string
		data []byte
	}{{"hosts", e.hosts(name, nil)}, {"resolv.conf", e.resolv}}
	var mounts []specs.Mount
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		// Readable by any user: the function's image may not run as root.
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return nil, fmt.Errorf("%s of %s: %w", f.name, id, err)
		}
		mounts = append(mounts, specs.Mount{
			Destination: "/etc/" + f.name, Type: "bind", Source: p,
			Options: []string{"rbind", "ro"},
		})
	}
	return mounts, nil
}

// address rewrites the container's /etc/hosts once it has its address on
// the bridge, before its process starts. The file is rewritten in place:
// the bind mount holds on to its inode.
func (e etcFiles) address(dataDir, id, name string, ip net.IP) error {
	p := filepath.Join(etcRoot(dataDir), id, "hosts")
	if err := os.WriteFile(p, e.hosts(name, ip), 0o644); err != nil {
		return fmt.Errorf("hosts of %s: %w", id, err)
	}
	return nil
}

// digest is what the files depend on, for the configuration hash: a
// changed gateway or resolv.conf replaces the containers.
func (e etcFiles) digest() string { return e.gateway.String() + "\n" + string(e.resolv) }

func etcRoot(dataDir string) string { return filepath.Join(dataDir, "etc") }
