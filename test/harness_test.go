package test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ofcbuild/ofc/internal/devstack"
	"github.com/ofcbuild/ofc/status/github/githubtest"
	"github.com/ofcbuild/ofc/status/gitlab/gitlabtest"
	"github.com/ofcbuild/ofc/store/pgtest"
)

// binaries are built once per test run.
var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func binary(t testing.TB, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "ofc-e2e-bin-")
		if buildErr != nil {
			return
		}
		// The builder finds the watchdogs next to itself, as make build
		// lays them out.
		for _, args := range [][]string{
			{"-o", binDir + "/", "./cmd/webhook", "./cmd/builder", "./cmd/ofc"},
			{"-ldflags", "-s -w", "-o", binDir + "/watchdog/of-watchdog/fwatchdog", "./cmd/fwatchdog"},
			{"-ldflags", "-s -w", "-o", binDir + "/watchdog/classic-watchdog/fwatchdog", "./cmd/classic-watchdog"},
		} {
			cmd := exec.Command("go", append([]string{"build"}, args...)...)
			cmd.Dir = moduleRoot()
			if strings.Contains(args[len(args)-1], "watchdog") {
				// The watchdog runs in images without a C library.
				cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", args[len(args)-1], err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, name)
}

// system is one instance of the build service: its own database and queue
// stream on the shared dev stack, a webhook and builders as real
// processes, and a GitHub API double.
type system struct {
	t          testing.TB
	svc        services
	dbURL      string
	WebhookURL string
	Secret     string
	GitHub     *githubtest.Server
	// GitLab stands in for GitLab's API; GitLabToken is the webhook token.
	GitLab      *gitlabtest.Server
	GitLabToken string
	env         []string
	// pids are the running processes of each command, in start order.
	pids map[string][]int
}

func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newSystem starts a webhook and n builders.
func newSystem(t testing.TB, builders int) *system {
	t.Helper()
	return newSystemWith(t, builders)
}

// newSystemWith starts a webhook and n builders with settings (NAME=value)
// on top of the test's.
func newSystemWith(t testing.TB, builders int, settings ...string) *system {
	t.Helper()
	svc := requireServices(t)
	id := randomID()
	s := &system{t: t, svc: svc, Secret: "e2e-secret-" + id, GitHub: githubtest.New(t),
		GitLab: gitlabtest.New(t), GitLabToken: "e2e-gitlab-hook-" + id}
	s.dbURL = pgtest.Database(t)
	addr := freePort(t)
	s.WebhookURL = "http://" + addr
	s.env = []string{
		"OFC_DATABASE_URL=" + s.dbURL,
		"OFC_NATS_URL=" + svc.NATSURL,
		"OFC_QUEUE_STREAM=E2E_" + id,
		"OFC_QUEUE_SUBJECT=e2e." + id + ".builds",
		"OFC_BUILDKIT_ADDR=" + svc.BuildKitAddr,
		"OFC_REGISTRY=" + svc.Registry,
		"OFC_GATEWAY_URL=" + svc.GatewayURL,
		"OFC_GATEWAY_USER=" + svc.GatewayUser,
		"OFC_GATEWAY_PASSWORD=" + svc.GatewayPassword,
		"OFC_GITHUB_API_URL=" + s.GitHub.URL(),
		"OFC_GITHUB_TOKEN=e2e-token",
		"OFC_GITHUB_WEBHOOK_SECRET=" + s.Secret,
		"OFC_GITLAB_API_URL=" + s.GitLab.URL(),
		"OFC_GITLAB_TOKEN=e2e-gitlab-token",
		"OFC_GITLAB_WEBHOOK_TOKEN=" + s.GitLabToken,
		"OFC_WEBHOOK_ADDR=" + addr,
		"OFC_PUBLIC_URL=" + s.WebhookURL,
		"OFC_WORK_DIR=" + t.TempDir(),
		"OFC_LOG_FORMAT=text",
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
	}
	s.env = append(s.env, "OFC_BUILD_CA_FILE="+svc.BuildCAFile)
	s.env = append(s.env, settings...)
	// Registered first, so it runs after the processes have stopped.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := devstack.DeleteStream(ctx, svc.NATSURL, "E2E_"+id); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			t.Errorf("remove the test's queue stream: %v", err)
		}
	})
	s.start("webhook")
	for i := range builders {
		s.start("builder", fmt.Sprintf("OFC_BUILDER_NAME=builder-%d", i))
	}
	s.waitReady()
	return s
}

// start runs a command of the service; its output is shown if the test
// fails, and it is stopped when the test ends. It returns the path of the
// command's log, for a test that reads it.
func (s *system) start(name string, extraEnv ...string) string {
	t := s.t
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t, name))
	var own []string
	if name == "builder" {
		// Builders side by side, and tests side by side, each need a
		// metrics address of their own; a setting given overrides it.
		own = append(own, "OFC_BUILDER_METRICS_ADDR="+freePort(t))
	}
	cmd.Env = append(append(own, s.env...), extraEnv...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if s.pids == nil {
		s.pids = map[string][]int{}
	}
	s.pids[name] = append(s.pids[name], cmd.Process.Pid)
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logf.Close()
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("--- %s log ---\n%s", name, tail(string(out), 150))
		}
	})
	return logPath
}

func (s *system) waitReady() {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.WebhookURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.t.Fatal("webhook did not become ready within 60s")
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
