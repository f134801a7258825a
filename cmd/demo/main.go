// Command demo shows the build service's main job on one machine: with the
// dev stack up (`make up`), it creates a sample repository served over
// smart HTTP, starts the webhook and a builder, delivers a signed GitHub
// push, and prints what the service did.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/internal/gitserver"
	"github.com/ofcbuild/ofc/status/github/githubtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.LookupEnv); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

type config struct {
	DataDir, BinDir, GatewayPassword, WebhookAddr string
	Timeout                                       time.Duration
}

func readConfig(look envconfig.Lookup) (config, error) {
	r := envconfig.New(look)
	c := config{
		DataDir:         r.String("OFC_DEMO_DIR", ".dev/demo"),
		BinDir:          r.String("OFC_DEMO_BIN", ".dev/bin"),
		GatewayPassword: r.Required("OFC_GATEWAY_PASSWORD", "run `make up` and `. .dev/env` first"),
		WebhookAddr:     r.String("OFC_WEBHOOK_ADDR", "127.0.0.1:8080"),
		Timeout:         r.Duration("OFC_DEMO_TIMEOUT", 10*time.Minute),
	}
	return c, r.Err()
}

func run(ctx context.Context, look envconfig.Lookup) error {
	cfg, err := readConfig(look)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(mkdir(cfg.DataDir), "run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	step("Creating the sample repository demo/hello with a stack.yml of three functions: Go, Node.js and Python")
	gitURL, stopGit, err := serveGit(filepath.Join(dir, "git"))
	if err != nil {
		return err
	}
	defer stopGit()
	repo, err := gitserver.NewRepo(filepath.Join(dir, "git"), filepath.Join(dir, "work"), "demo", "hello", "main")
	if err != nil {
		return err
	}
	pushedAt := time.Now().UTC().Format(time.RFC3339)
	sha, err := repo.Commit("main", "Say hello", sampleFiles(pushedAt))
	if err != nil {
		return err
	}
	fmt.Printf("   %s/demo/hello.git at %s\n", gitURL, sha[:12])

	// GitHub itself cannot be reached from here: a stand-in of its REST API
	// takes the commit statuses, so they can be shown.
	gh := githubtest.New(nil)
	defer gh.Close()

	step("Starting the webhook and a builder")
	secret := randomSecret()
	svc, err := startServices(ctx, cfg, dir, look, []string{
		"OFC_GITHUB_WEBHOOK_SECRET=" + secret,
		"OFC_GITHUB_API_URL=" + gh.URL(),
		"OFC_GITHUB_TOKEN=demo-token",
		"OFC_WEBHOOK_ADDR=" + cfg.WebhookAddr,
		"OFC_PUBLIC_URL=http://" + cfg.WebhookAddr,
		"OFC_LOG_FORMAT=text",
	})
	if err != nil {
		return err
	}
	defer svc.stop()
	base := "http://" + cfg.WebhookAddr
	if err := waitReady(ctx, base, 60*time.Second); err != nil {
		return fmt.Errorf("%w (logs in %s)", err, svc.logDir)
	}

	step("Delivering a signed GitHub push webhook")
	id, err := deliverPush(base, secret, gitURL+"/demo/hello.git", sha)
	if err != nil {
		return err
	}
	fmt.Printf("   POST %s/webhooks/github -> 202, build %d queued\n", base, id)

	step("Waiting for the build")
	b, err := waitBuild(ctx, base, id, cfg.Timeout)
	if err != nil {
		return fmt.Errorf("%w (logs in %s)", err, svc.logDir)
	}
	return report(ctx, look, base, b, gh.Statuses(sha))
}

func step(msg string) { fmt.Printf("\n==> %s\n", msg) }

func mkdir(d string) string {
	_ = os.MkdirAll(d, 0o755)
	return d
}

// serveGit serves the bare repositories under root over smart HTTP.
func serveGit(root string) (string, func(), error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", nil, err
	}
	h, err := gitserver.Handler(root)
	if err != nil {
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	return "http://" + l.Addr().String(), func() { _ = srv.Close() }, nil
}
