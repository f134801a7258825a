package containerd

import (
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/vishvananda/netlink"
)

// gatewayIP is the address the bridge has in subnet: its first host
// address, which is what the CNI bridge plugin gives the bridge when
// host-local is told no gateway.
func gatewayIP(subnet string) (net.IP, *net.IPNet, error) {
	_, n, err := net.ParseCIDR(subnet)
	if err != nil {
		return nil, nil, fmt.Errorf("subnet %q: %w", subnet, err)
	}
	ip := n.IP.To4()
	if ip == nil {
		return nil, nil, fmt.Errorf("subnet %q: want an IPv4 subnet", subnet)
	}
	if ones, bits := n.Mask.Size(); bits-ones < 2 {
		return nil, nil, fmt.Errorf("subnet %q: too small for a gateway and a container", subnet)
	}
	gw := make(net.IP, len(ip))
	copy(gw, ip)
	gw[3]++
	return gw, &net.IPNet{IP: gw, Mask: n.Mask}, nil
}

// ensureBridge makes the bridge exist, up and holding its gateway address,
// before any container needs it, so that the gateway can listen on the
// bridge from the start. The CNI bridge plugin takes a bridge it finds as
// its own, and an address equal to the one it would set is left alone.
func ensureBridge(cfg Config) (net.IP, error) {
	gw, addr, err := gatewayIP(cfg.Subnet)
	if err != nil {
		return nil, err
	}
	link, err := netlink.LinkByName(cfg.Bridge)
	var notFound netlink.LinkNotFoundError
	switch {
	case errors.As(err, &notFound):
		br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: cfg.Bridge, TxQLen: -1}}
		if err := netlink.LinkAdd(br); err != nil && !errors.Is(err, syscall.EEXIST) {
			return nil, fmt.Errorf("create bridge %s: %w", cfg.Bridge, err)
		}
		if link, err = netlink.LinkByName(cfg.Bridge); err != nil {
			return nil, fmt.Errorf("find bridge %s: %w", cfg.Bridge, err)
		}
	case err != nil:
		return nil, fmt.Errorf("find bridge %s: %w", cfg.Bridge, err)
	}
	if _, ok := link.(*netlink.Bridge); !ok {
		return nil, fmt.Errorf("%s is a %s, not a bridge", cfg.Bridge, link.Type())
	}
	addrs, err := netlink.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		return nil, fmt.Errorf("addresses of bridge %s: %w", cfg.Bridge, err)
	}
	have := false
	for _, a := range addrs {
		if a.IPNet.String() == addr.String() {
			have = true
			continue
		}
		// The plugin would refuse a bridge with another address in the
		// same family; say so now, with names.
		return nil, fmt.Errorf("bridge %s has address %s, want %s (subnet %s): delete the bridge or choose another",
			cfg.Bridge, a.IPNet, addr, cfg.Subnet)
	}
	if !have {
		if err := netlink.AddrAdd(link, &netlink.Addr{IPNet: addr}); err != nil && !errors.Is(err, syscall.EEXIST) {
			return nil, fmt.Errorf("address %s on bridge %s: %w", addr, cfg.Bridge, err)
		}
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return nil, fmt.Errorf("bring up bridge %s: %w", cfg.Bridge, err)
	}
	return gw, nil
}
