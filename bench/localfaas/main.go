// Command localfaas measures how soon localfaas serves a function: from a
// deploy of a new function, and from an update of a running one to a new
// image, until GET /function/<name> through the gateway answers that
// image's body. Beside it, in the same run, it times the same server
// started as a bare process on this host, the floor a runtime can
// approach. It needs the dev stack (`make up`) and writes its figures to
// docs/benchmarks.md.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
	"github.com/ofcbuild/ofc/deploy"
	"github.com/ofcbuild/ofc/internal/fnimage"
)

func main() {
	benchdoc.Main(run)
}

// options are the command's flags.
type options struct {
	runs        int
	write       bool
	out         string
	poll        time.Duration
	stepTimeout time.Duration
	namespace   string
}

// env holds the dev stack's addresses.
type env struct {
	gatewayURL, user, password string
	registry, containerd       string
}

// image is a pushed function image and the body its GET / answers.
type image struct {
	ref, answer string
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("localfaas", flag.ContinueOnError)
	var o options
	fs.IntVar(&o.runs, "runs", 15, "measured runs (each deploys, updates and deletes one function, and starts the bare process once)")
	fs.BoolVar(&o.write, "write", true, "rewrite the localfaas section of -out")
	fs.StringVar(&o.out, "out", "docs/benchmarks.md", "file whose localfaas section is rewritten")
	fs.DurationVar(&o.poll, "poll", 2*time.Millisecond, "interval between polls of the function URL and of the bare process")
	fs.DurationVar(&o.stepTimeout, "step-timeout", time.Minute, "bound on each deploy, update or bare start")
	fs.StringVar(&o.namespace, "containerd-namespace", "ofc", "containerd namespace localfaas runs its containers in")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.runs < 1 {
		return o, fmt.Errorf("-runs %d: want at least 1", o.runs)
	}
	return o, nil
}

func loadEnv() (env, error) {
	e := env{
		gatewayURL: os.Getenv("OFC_GATEWAY_URL"),
		user:       os.Getenv("OFC_GATEWAY_USER"),
		password:   os.Getenv("OFC_GATEWAY_PASSWORD"),
		registry:   os.Getenv("OFC_REGISTRY"),
		containerd: os.Getenv("OFC_CONTAINERD_ADDR"),
	}
	if e.gatewayURL == "" || e.registry == "" || e.containerd == "" {
		return e, errors.New("OFC_GATEWAY_URL, OFC_REGISTRY and OFC_CONTAINERD_ADDR must be set: run `make up` and `. .dev/env`")
	}
	return e, nil
}

func run(ctx context.Context, args []string) error {
	opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	e, err := loadEnv()
	if err != nil {
		return err
	}
	facts, err := machineFacts(ctx, e.containerd)
	if err != nil {
		return err
	}
	v1, v2, err := pushImages(ctx, e.registry)
	if err != nil {
		return err
	}
	b, err := newBench(e, opts)
	if err != nil {
		return err
	}
	bare, err := newBaseline(v1.answer, opts.poll)
	if err != nil {
		return err
	}
	defer bare.close()

	samples, runErr := b.measure(ctx, v1, v2, bare, opts.runs)
	// Clean up even when interrupted, with a context of its own.
	cleanCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	cleanErr := b.cleanup(cleanCtx, e.containerd, opts.namespace)
	if runErr != nil {
		return errors.Join(runErr, cleanErr)
	}

	report := render(facts, summarise(samples), opts)
	fmt.Print(report)
	if opts.write {
		if err := section.Write(opts.out, report); err != nil {
			return errors.Join(err, cleanErr)
		}
	}
	return cleanErr
}

// pushImages pushes the two images every run deploys, before any timing.
func pushImages(ctx context.Context, registry string) (v1, v2 image, err error) {
	push := func(tag, answer string) (image, error) {
		ref, err := fnimage.Push(ctx, registry, "ofc-bench/localfaas", tag, fnimage.Image{Answer: answer})
		return image{ref: ref, answer: answer}, err
	}
	if v1, err = push("v1", "localfaas bench v1"); err != nil {
		return v1, v2, err
	}
	v2, err = push("v2", "localfaas bench v2")
	return v1, v2, err
}

func newBench(e env, opts options) (*bench, error) {
	gw, err := deploy.New(deploy.Config{GatewayURL: e.gatewayURL, Username: e.user, Password: e.password})
	if err != nil {
		return nil, err
	}
	suffix := make([]byte, 3)
	if _, err := rand.Read(suffix); err != nil {
		return nil, fmt.Errorf("random function names: %w", err)
	}
	return &bench{
		gw:         gw,
		gatewayURL: e.gatewayURL,
		http:       &http.Client{Timeout: 5 * time.Second},
		prefix:     "bench-" + hex.EncodeToString(suffix),
		poll:       opts.poll,
		timeout:    opts.stepTimeout,
		created:    map[string]bool{},
	}, nil
}
