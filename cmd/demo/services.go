package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

// services are the webhook and builder processes the demo started.
type services struct {
	cmds   []*exec.Cmd
	logDir string
}

// passThrough are the dev stack's settings the services inherit.
var passThrough = []string{"PATH", "HOME", "OFC_DATABASE_URL", "OFC_NATS_URL", "OFC_BUILDKIT_ADDR",
	"OFC_REGISTRY", "OFC_GATEWAY_URL", "OFC_GATEWAY_USER", "OFC_GATEWAY_PASSWORD", "OFC_BUILD_CA_FILE"}

func startServices(ctx context.Context, cfg config, dir string, look envconfig.Lookup, extra []string) (*services, error) {
	var env []string
	for _, k := range passThrough {
		if v, ok := look(k); ok {
			env = append(env, k+"="+v)
		}
	}
	env = append(env, extra...)
	env = append(env, "OFC_WORK_DIR="+filepath.Join(dir, "builds"))
	s := &services{logDir: mkdir(filepath.Join(cfg.DataDir, "logs"))}
	for _, name := range []string{"webhook", "builder"} {
		bin, err := filepath.Abs(filepath.Join(cfg.BinDir, name))
		if err != nil {
			return nil, err
		}
		logf, err := os.Create(filepath.Join(s.logDir, name+".log"))
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(bin)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, logf, logf
		if err := cmd.Start(); err != nil {
			s.stop()
			return nil, fmt.Errorf("start %s: %w (build it with `make build`)", name, err)
		}
		fmt.Printf("   %s (pid %d), log in %s\n", name, cmd.Process.Pid, logf.Name())
		s.cmds = append(s.cmds, cmd)
	}
	return s, nil
}

// stop ends the services, giving each a moment to finish.
func (s *services) stop() {
	for _, cmd := range s.cmds {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
}

func waitReady(ctx context.Context, base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("webhook at %s not ready after %s", base, within)
}

func randomSecret() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
