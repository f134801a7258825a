// Package containerd runs the functions of localfaas as containerd
// containers on a CNI bridge, as faasd does: one container per replica,
// pulled by digest, reached by the gateway's proxy on the bridge address.
// Each container gets /etc/hosts and /etc/resolv.conf, as on faasd, with
// gateway and gateway.openfaas at the bridge's own address (GatewayIP),
// where the gateway listens for the functions.
//
// Containers outlive the process that started them (containerd's shims
// keep them), so a restarted gateway adopts what runs instead of starting
// it again; Teardown removes everything.
package containerd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	gocni "github.com/containerd/go-cni"

	"github.com/ofcbuild/ofc/localfaas"
)

// Secrets gives the values of the secrets a function mounts.
// *localfaas.State satisfies it. It must be safe for concurrent use.
type Secrets interface {
	Secret(name string) ([]byte, bool)
}

// Config holds what a Runtime needs.
type Config struct {
	// Address is containerd's socket. Required.
	Address string
	// Namespace keeps the runtime's containers and images apart from
	// anyone else's (default "ofc").
	Namespace string
	// DataDir holds the mounted secrets, the containers' logs and the
	// bridge's address leases. Required.
	DataDir string
	// Secrets gives secret values. Required.
	Secrets Secrets
	// Bridge and Subnet name the CNI bridge the containers join (default
	// "ofc0" and 10.62.0.0/16). Two runtimes on one machine need their own.
	Bridge string
	Subnet string
	// CNIBinDir holds the CNI plugins (default /usr/lib/cni).
	CNIBinDir string
	// ResolvConf is a file mounted as every container's /etc/resolv.conf.
	// Empty gives one that lists no name server: without masquerading,
	// none beyond the bridge can be reached.
	ResolvConf string
	// PlainHTTP lists the registry hosts pulled from over plain HTTP.
	PlainHTTP []string
	// StartTimeout bounds how long a new container has to answer
	// /_/health (default 20s). It must stay below the clients' request
	// timeout, since a deploy answers once the new version is ready.
	StartTimeout time.Duration
	// StopGrace is how long a container has between SIGTERM and SIGKILL
	// (default 5s).
	StopGrace time.Duration
	// Logger receives a line per container started or stopped (default
	// slog.Default()).
	Logger *slog.Logger
}

// Labels on every container, which is how adoption finds them again.
const (
	labelFunction = "ofc.localfaas/function"
	labelConfig   = "ofc.localfaas/config"
	labelAddr     = "ofc.localfaas/addr"
)

// Runtime runs functions as containerd containers. It implements
// localfaas.Runtime and is safe for concurrent use.
type Runtime struct {
	cfg    Config
	client *client.Client
	cni    gocni.CNI
	log    *slog.Logger
	probe  *http.Client
	// gateway is the bridge's own address, the one the containers reach
	// this host at.
	gateway net.IP
	etc     etcFiles

	mu  sync.Mutex
	fns map[string]*function
}

var _ localfaas.Runtime = (*Runtime)(nil)

// New connects to containerd, sets up the bridge's configuration and
// adopts the containers already running in the namespace.
func New(ctx context.Context, cfg Config) (*Runtime, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	for _, dir := range []string{cfg.DataDir, secretsRoot(cfg.DataDir), logsRoot(cfg.DataDir), etcRoot(cfg.DataDir)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("containerd runtime: %w", err)
		}
	}
	c, err := client.New(cfg.Address, client.WithDefaultNamespace(cfg.Namespace))
	if err != nil {
		return nil, fmt.Errorf("connect to containerd at %s: %w", cfg.Address, err)
	}
	cni, err := newNetwork(cfg)
	if err != nil {
		c.Close()
		return nil, err
	}
	gw, err := ensureBridge(cfg)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("containerd runtime: %w", err)
	}
	etc, err := newEtcFiles(cfg, gw)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("containerd runtime: %w", err)
	}
	r := &Runtime{
		cfg: cfg, client: c, cni: cni, log: cfg.Logger, gateway: gw, etc: etc,
		probe: &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}},
		fns:   map[string]*function{},
	}
	if err := r.adopt(r.ns(ctx)); err != nil {
		c.Close()
		return nil, err
	}
	return r, nil
}

func (c *Config) fill() error {
	var errs []error
	if c.Address == "" {
		errs = append(errs, errors.New("containerd runtime: the containerd address is required"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("containerd runtime: a data directory is required"))
	}
	if c.Secrets == nil {
		errs = append(errs, errors.New("containerd runtime: a secret source is required"))
	}
	if c.Namespace == "" {
		c.Namespace = "ofc"
	}
	if c.Bridge == "" {
		c.Bridge = "ofc0"
	}
	if c.Subnet == "" {
		c.Subnet = "10.62.0.0/16"
	}
	if _, _, err := net.ParseCIDR(c.Subnet); err != nil {
		errs = append(errs, fmt.Errorf("containerd runtime: subnet %q: %w", c.Subnet, err))
	}
	if c.CNIBinDir == "" {
		c.CNIBinDir = "/usr/lib/cni"
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 20 * time.Second
	}
	if c.StopGrace <= 0 {
		c.StopGrace = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return errors.Join(errs...)
}

// GatewayIP is the bridge's own address: containers reach this host
// there, and their /etc/hosts maps gateway and gateway.openfaas to it.
// The bridge exists from New on, so a gateway can listen there at once.
func (r *Runtime) GatewayIP() net.IP { return append(net.IP(nil), r.gateway...) }

// ns puts the runtime's namespace on ctx, for every containerd call.
func (r *Runtime) ns(ctx context.Context) context.Context {
	return namespaces.WithNamespace(ctx, r.cfg.Namespace)
}

// function returns the entry of name, creating it.
func (r *Runtime) function(name string) *function {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.fns[name]
	if !ok {
		f = &function{name: name}
		r.fns[name] = f
	}
	return f
}

// lookup returns the entry of name, or nil.
func (r *Runtime) lookup(name string) *function {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fns[name]
}

// Apply runs fn as recorded. A new configuration or image starts new
// containers and waits until they answer /_/health; only then do they
// take the traffic, and the old ones stop after the requests they serve
// have finished. When the new containers fail, they are removed, the old
// ones keep serving, and the error wraps localfaas.ErrNotStarted.
func (r *Runtime) Apply(ctx context.Context, fn localfaas.Function) error {
	ctx = r.ns(ctx)
	f := r.function(fn.Name())
	f.mu.Lock()
	defer f.mu.Unlock()

	hash, err := configHash(fn, r.cfg.Secrets, r.etc.digest())
	if err != nil {
		return err
	}
	want := int(fn.Replicas)
	current := f.serving()
	var same, stale []*instance
	for _, in := range current {
		if in.config == hash && in.alive(ctx) {
			same = append(same, in)
		} else {
			stale = append(stale, in)
		}
	}
	if len(same) > want {
		stale = append(stale, same[want:]...)
		same = same[:want]
	}
	started, err := r.startN(ctx, fn, hash, want-len(same))
	if err != nil {
		return err
	}
	f.set(append(same, started...))
	for _, in := range stale {
		f.retire(r, in)
	}
	if len(started) > 0 || len(stale) > 0 {
		r.log.Info("function applied", "function", fn.Name(), "ref", fn.Ref,
			"started", len(started), "stopping", len(stale), "replicas", want)
	}
	return nil
}

// startN starts n containers of fn and waits until all are ready. On
// failure none of them is left.
func (r *Runtime) startN(ctx context.Context, fn localfaas.Function, hash string, n int) ([]*instance, error) {
	if n <= 0 {
		return nil, nil
	}
	img, err := r.image(ctx, fn.Ref)
	if err != nil {
		return nil, err
	}
	var started []*instance
	for range n {
		in, err := r.start(ctx, fn, img, hash)
		if err == nil {
			started = append(started, in)
			err = r.waitReady(ctx, in)
		}
		if err != nil {
			cleanup := context.WithoutCancel(ctx)
			for _, in := range started {
				r.stop(cleanup, in, 0)
			}
			return nil, err
		}
	}
	return started, nil
}

// Remove stops every container of name and waits for those being
// retired.
func (r *Runtime) Remove(ctx context.Context, name string) error {
	f := r.lookup(name)
	if f == nil {
		return nil
	}
	// A removal once begun is finished even if the caller goes away: a
	// half-stopped function would keep running unseen.
	ctx = r.ns(context.WithoutCancel(ctx))
	f.mu.Lock()
	defer f.mu.Unlock()
	var errs []error
	var left []*instance
	for _, in := range f.serving() {
		if err := r.stop(ctx, in, r.cfg.StopGrace); err != nil {
			errs = append(errs, err)
			left = append(left, in)
		}
	}
	// What could not be stopped stays tracked, so a second delete tries
	// again.
	f.set(left)
	f.retiring.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove function %s: %w", name, err)
	}
	// The entry stays, empty: an Apply that holds it already must find
	// what it starts recorded, not in an entry nobody can reach.
	r.log.Info("function removed", "function", name)
	return nil
}

// Available counts the containers of fn that run and answer /_/health.
func (r *Runtime) Available(ctx context.Context, fn localfaas.Function) (uint64, error) {
	f := r.lookup(fn.Name())
	if f == nil {
		return 0, nil
	}
	ctx = r.ns(ctx)
	var n uint64
	for _, in := range f.serving() {
		if in.alive(ctx) && r.healthy(ctx, in) {
			n++
		}
	}
	return n, nil
}

// Running names the functions that have containers, sorted.
func (r *Runtime) Running(context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var names []string
	for name, f := range r.fns {
		if len(f.serving()) > 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// Close waits for the containers being retired and disconnects. The
// serving containers keep running, for the next Runtime to adopt.
func (r *Runtime) Close() error {
	r.mu.Lock()
	fns := slices.Collect(maps.Values(r.fns))
	r.mu.Unlock()
	for _, f := range fns {
		f.retiring.Wait()
	}
	return r.client.Close()
}

func secretsRoot(dataDir string) string { return filepath.Join(dataDir, "secrets") }
func logsRoot(dataDir string) string    { return filepath.Join(dataDir, "logs") }
