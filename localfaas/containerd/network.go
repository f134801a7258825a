package containerd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	gocni "github.com/containerd/go-cni"
	"github.com/vishvananda/netlink"
)

// ifName is the container's side of its veth pair.
const ifName = "eth0"

// newNetwork configures CNI with a bridge and host-local addresses, as
// faasd does. The bridge is the gateway of its subnet, so this host
// reaches every container and the containers reach this host (the
// gateway) there. There is no masquerading: nothing beyond the bridge is
// reached from a container.
func newNetwork(cfg Config) (gocni.CNI, error) {
	conf := map[string]any{
		"cniVersion": "0.4.0",
		"name":       cfg.Bridge,
		"plugins": []any{
			map[string]any{
				"type":      "bridge",
				"bridge":    cfg.Bridge,
				"isGateway": true,
				"ipMasq":    false,
				"ipam": map[string]any{
					"type":    "host-local",
					"subnet":  cfg.Subnet,
					"dataDir": ipamDir(cfg.DataDir),
				},
			},
		},
	}
	b, err := json.Marshal(conf)
	if err != nil {
		return nil, fmt.Errorf("cni config: %w", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.CNIBinDir, "bridge")); err != nil {
		return nil, fmt.Errorf("cni plugins: %w (install containernetworking-plugins)", err)
	}
	cni, err := gocni.New(
		gocni.WithPluginDir([]string{cfg.CNIBinDir}),
		gocni.WithInterfacePrefix("eth"),
		gocni.WithMinNetworkCount(2),
		// The bridge first: go-cni names interfaces by position (eth0).
		gocni.WithConfListBytes(b),
		gocni.WithLoNetwork,
	)
	if err != nil {
		return nil, fmt.Errorf("cni: %w", err)
	}
	return cni, nil
}

// attach joins the network namespace of the process pid to the bridge
// and returns its address there.
func (r *Runtime) attach(ctx context.Context, id string, pid uint32) (string, error) {
	res, err := r.cni.Setup(ctx, id, fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		return "", fmt.Errorf("network of %s: %w", id, err)
	}
	if iface, ok := res.Interfaces[ifName]; ok {
		for _, c := range iface.IPConfigs {
			if c.IP.To4() != nil {
				return c.IP.String(), nil
			}
		}
	}
	return "", fmt.Errorf("network of %s: no IPv4 address on %s", id, ifName)
}

// detach gives back the address of container id. With the process gone
// its veth went with its namespace, so an empty path is enough.
func (r *Runtime) detach(ctx context.Context, id string) error {
	if err := r.cni.Remove(ctx, id, ""); err != nil {
		return fmt.Errorf("release address of %s: %w", id, err)
	}
	return nil
}

// removeBridge deletes the bridge and the address leases.
func removeBridge(cfg Config) error {
	var errs []error
	link, err := netlink.LinkByName(cfg.Bridge)
	var notFound netlink.LinkNotFoundError
	switch {
	case err == nil:
		if err := netlink.LinkDel(link); err != nil {
			errs = append(errs, fmt.Errorf("delete bridge %s: %w", cfg.Bridge, err))
		}
	case !errors.As(err, &notFound):
		errs = append(errs, fmt.Errorf("find bridge %s: %w", cfg.Bridge, err))
	}
	if err := os.RemoveAll(ipamDir(cfg.DataDir)); err != nil {
		errs = append(errs, fmt.Errorf("remove address leases: %w", err))
	}
	return errors.Join(errs...)
}

func ipamDir(dataDir string) string { return filepath.Join(dataDir, "ipam") }
