package faults

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

// buildkitdStartTimeout bounds a start: a daemon restarted on its old
// root finds its cache again first.
const buildkitdStartTimeout = 60 * time.Second

// BuildKitConfig says how to run a private buildkitd.
type BuildKitConfig struct {
	// Bin is the buildkitd binary (the dev stack's .dev/bin/buildkitd).
	Bin string
	// Mirror is the plain-HTTP registry that answers for docker.io, as
	// in the dev stack: base images come from it.
	Mirror string
	// Insecure lists more registries (host:port) spoken to over plain
	// HTTP.
	Insecure []string
}

// BuildKit is a private buildkitd with its root and socket in a test's
// temporary directory. Kill and Start restart it in the middle of a
// build; its cache survives on the root.
type BuildKit struct {
	service
	t    testing.TB
	root string
	addr string
}

// StartBuildKit starts a buildkitd; it is stopped, and what its builds
// left (containers, mounts) removed, when t ends.
func StartBuildKit(t testing.TB, cfg BuildKitConfig) (*BuildKit, error) {
	t.Helper()
	if _, err := os.Stat(cfg.Bin); err != nil {
		return nil, fmt.Errorf("buildkitd binary: %w", err)
	}
	base := t.TempDir()
	b := &BuildKit{t: t, root: filepath.Join(base, "root"), addr: "unix://" + filepath.Join(base, "buildkitd.sock")}
	config := filepath.Join(base, "buildkitd.toml")
	if err := os.WriteFile(config, []byte(buildkitConfig(cfg)), 0o644); err != nil {
		return nil, fmt.Errorf("write buildkitd.toml: %w", err)
	}
	logPath := filepath.Join(base, "buildkitd.log")
	// As the dev stack does: the builder bounds logs itself, so buildkitd
	// passes every line on.
	env := append(os.Environ(), "BUILDKIT_STEP_LOG_MAX_SIZE=-1", "BUILDKIT_STEP_LOG_MAX_SPEED=-1")
	b.run = func() (*process, error) {
		return startProcess(logPath, env, cfg.Bin, "--oci-worker=true", "--containerd-worker=false",
			"--root", b.root, "--addr", b.addr, "--config", config)
	}
	showLogOnFailure(t, "private buildkitd", logPath)
	// Runs after TempDir's own cleanup is registered, so before it: the
	// directory can only go once nothing is mounted in it.
	t.Cleanup(func() {
		b.down(true)
		if err := b.sweep(); err != nil {
			t.Errorf("clean up after the private buildkitd: %v", err)
		}
	})
	return b, b.Start()
}

func buildkitConfig(cfg BuildKitConfig) string {
	var s strings.Builder
	s.WriteString("[worker.oci]\n  enabled = true\n  snapshotter = \"overlayfs\"\n[worker.containerd]\n  enabled = false\n")
	fmt.Fprintf(&s, "[registry.\"docker.io\"]\n  mirrors = [%q]\n", cfg.Mirror)
	for _, host := range append([]string{cfg.Mirror}, cfg.Insecure...) {
		fmt.Fprintf(&s, "[registry.%q]\n  http = true\n  insecure = true\n", host)
	}
	return s.String()
}

// Addr is the daemon's address, for OFC_BUILDKIT_ADDR.
func (b *BuildKit) Addr() string { return b.addr }

// Start starts the daemon unless it runs, and returns once it lists a
// worker.
func (b *BuildKit) Start() error {
	if err := b.up(); err != nil {
		return err
	}
	return waitFor(b.current(), "buildkitd", buildkitdStartTimeout, b.ready)
}

// Kill ends the daemon with SIGKILL, builds in flight included, as a
// crash or a restart of its container does: the containers of its RUN
// steps go with it, and their mounts are released, before Kill returns.
func (b *BuildKit) Kill() error {
	b.down(false)
	return b.sweep()
}

// Wipe kills the daemon and removes its root, cache and all, as when a
// builder gets a new machine; Start then starts it empty.
func (b *BuildKit) Wipe() error {
	if err := b.Kill(); err != nil {
		return err
	}
	if err := os.RemoveAll(b.root); err != nil {
		return fmt.Errorf("remove the root of buildkitd: %w", err)
	}
	return nil
}

func (b *BuildKit) ready(ctx context.Context) error {
	c, err := client.New(ctx, b.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	ws, err := c.ListWorkers(ctx)
	if err != nil {
		return err
	}
	if len(ws) == 0 {
		return errors.New("no workers")
	}
	return nil
}

// sweep removes what a killed daemon leaves: the runc containers of its
// RUN steps (runc runs them in process groups of their own, in the
// system's runc state, shared with other daemons: they are told apart by
// their bundle under this daemon's root), then every mount under the
// root.
func (b *BuildKit) sweep() error {
	var errs []error
	out, err := exec.Command("runc", "list", "--format", "json").Output()
	if err == nil {
		var ctrs []struct {
			ID     string `json:"id"`
			Bundle string `json:"bundle"`
		}
		_ = json.Unmarshal(out, &ctrs)
		for _, c := range ctrs {
			if strings.HasPrefix(c.Bundle, b.root+"/") {
				_ = exec.Command("runc", "kill", c.ID, "KILL").Run()
				if out, err := exec.Command("runc", "delete", "--force", c.ID).CombinedOutput(); err != nil {
					errs = append(errs, fmt.Errorf("runc delete %s: %w: %s", c.ID, err, out))
				}
			}
		}
	}
	mounts, err := mountsUnder(b.root)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, m := range slices.Backward(mounts) {
		if err := syscall.Unmount(m, syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
			errs = append(errs, fmt.Errorf("unmount %s: %w", m, err))
		}
	}
	return errors.Join(errs...)
}

// mountsUnder lists the mount points under dir, in the order they were
// mounted.
func mountsUnder(dir string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		// The kernel escapes spaces and the like as \040; the paths here
		// have none.
		if p := fields[4]; p == dir || strings.HasPrefix(p, dir+"/") {
			out = append(out, p)
		}
	}
	return out, sc.Err()
}
