package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/pkg/namespaces"

	"github.com/ofcbuild/ofc/deploy"
	"github.com/ofcbuild/ofc/pipeline"
)

// bench deploys functions through the gateway and times them.
type bench struct {
	gw         *deploy.Client
	gatewayURL string
	http       *http.Client
	// prefix starts every function name this run creates.
	prefix  string
	poll    time.Duration
	timeout time.Duration
	// created holds the names that may be deployed, for cleanup.
	created map[string]bool
}

// sample is one run's figures, each from the start of its request.
type sample struct {
	deployCall, deployReady time.Duration
	updateCall, updateReady time.Duration
	bare                    time.Duration
	// deployPolls and updatePolls count the GETs it took to see the new
	// answer after the call returned.
	deployPolls, updatePolls int
}

// measure warms up, then makes n runs.
func (b *bench) measure(ctx context.Context, v1, v2 image, bare *baseline, n int) ([]sample, error) {
	if err := b.warmUp(ctx, v1, v2); err != nil {
		return nil, err
	}
	samples := make([]sample, 0, n)
	for i := range n {
		s, err := b.once(ctx, i, v1, v2, bare)
		if err != nil {
			return nil, fmt.Errorf("run %d of %d: %w", i+1, n, err)
		}
		samples = append(samples, s)
	}
	return samples, nil
}

// warmUp deploys each image once, untimed, so that containerd has pulled
// and unpacked both before the runs: the runs time starting containers,
// not pulling.
func (b *bench) warmUp(ctx context.Context, v1, v2 image) error {
	name := b.prefix + "-warm"
	for _, img := range []image{v1, v2} {
		if _, _, _, err := b.deployUntil(ctx, name, img); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	if err := b.remove(ctx, name); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	return nil
}

// once creates a new function from v1, updates it to v2, deletes it, and
// starts the bare process.
func (b *bench) once(ctx context.Context, i int, v1, v2 image, bare *baseline) (sample, error) {
	name := fmt.Sprintf("%s-%d", b.prefix, i)
	var s sample
	var err error
	if s.deployCall, s.deployReady, s.deployPolls, err = b.deployUntil(ctx, name, v1); err != nil {
		return s, fmt.Errorf("create: %w", err)
	}
	if s.updateCall, s.updateReady, s.updatePolls, err = b.deployUntil(ctx, name, v2); err != nil {
		return s, fmt.Errorf("update: %w", err)
	}
	if err := b.remove(ctx, name); err != nil {
		return s, err
	}
	if s.bare, err = bare.start(ctx, b.timeout); err != nil {
		return s, err
	}
	return s, nil
}

// deployUntil deploys img as name and polls the function until it
// answers img's body. It returns how long after the start of the request
// the call returned and the answer came, and how many GETs that took.
func (b *bench) deployUntil(ctx context.Context, name string, img image) (called, ready time.Duration, polls int, err error) {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	// Recorded before the call: one that fails or is cut short may still
	// have deployed.
	b.created[name] = true
	start := time.Now()
	if err := b.gw.Deploy(ctx, pipeline.FunctionSpec{Name: name, DeployName: name}, img.ref); err != nil {
		return 0, 0, 0, err
	}
	called = time.Since(start)
	if polls, err = b.awaitAnswer(ctx, name, img.answer); err != nil {
		return 0, 0, 0, err
	}
	return called, time.Since(start), polls, nil
}

// awaitAnswer polls GET /function/<name> through the gateway until it
// answers 200 with want, and counts the GETs.
func (b *bench) awaitAnswer(ctx context.Context, name, want string) (int, error) {
	url := b.gatewayURL + "/function/" + name
	var last string
	for polls := 1; ; polls++ {
		got, err := get(ctx, b.http, url)
		if err == nil && got == want {
			return polls, nil
		}
		last = fmt.Sprintf("%q", got)
		if err != nil {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return polls, fmt.Errorf("function %s never answered %q (last: %s): %w", name, want, last, ctx.Err())
		case <-time.After(b.poll):
		}
	}
}

// get returns the body of a 200 answer to GET url.
func get(ctx context.Context, c *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	res, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("GET %s: read body: %w", url, err)
	}
	if res.StatusCode != http.StatusOK {
		return string(body), fmt.Errorf("GET %s: status %d: %s", url, res.StatusCode, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}

// remove deletes name; a function already gone counts as removed. The
// delete is not cut short by an interrupt: one that is can leave the
// function half removed.
func (b *bench) remove(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.timeout)
	defer cancel()
	if err := b.gw.Delete(ctx, name); err != nil && !errors.Is(err, deploy.ErrNotFound) {
		return err
	}
	delete(b.created, name)
	return nil
}

// cleanup deletes what is left of the run's functions, then checks that
// neither the gateway nor containerd still has any of them.
func (b *bench) cleanup(ctx context.Context, containerdAddr, namespace string) error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(b.created)) {
		if err := b.remove(ctx, name); err != nil {
			errs = append(errs, fmt.Errorf("cleanup: %w", err))
		}
	}
	left, err := b.leftOnGateway(ctx)
	if err != nil {
		errs = append(errs, err)
	}
	containers, err := b.leftInContainerd(ctx, containerdAddr, namespace)
	if err != nil {
		errs = append(errs, err)
	}
	if len(left) > 0 {
		errs = append(errs, fmt.Errorf("still deployed on the gateway after cleanup: %s", strings.Join(left, ", ")))
	}
	if len(containers) > 0 {
		errs = append(errs, fmt.Errorf("containers still in containerd after cleanup: %s", strings.Join(containers, ", ")))
	}
	return errors.Join(errs...)
}

func (b *bench) leftOnGateway(ctx context.Context) ([]string, error) {
	fns, err := b.gw.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("check cleanup: %w", err)
	}
	var left []string
	for _, fn := range fns {
		if strings.HasPrefix(fn.Name, b.prefix+"-") {
			left = append(left, fn.Name)
		}
	}
	return left, nil
}

// leftInContainerd names the containers of the run's functions that
// containerd still holds: a function the gateway forgot may still run.
func (b *bench) leftInContainerd(ctx context.Context, addr, namespace string) ([]string, error) {
	c, err := client.New(addr)
	if err != nil {
		return nil, fmt.Errorf("check cleanup: connect to containerd at %s: %w", addr, err)
	}
	defer c.Close()
	containers, err := c.Containers(namespaces.WithNamespace(ctx, namespace))
	if err != nil {
		return nil, fmt.Errorf("check cleanup: list containers in %s: %w", namespace, err)
	}
	var left []string
	for _, ct := range containers {
		if strings.HasPrefix(ct.ID(), b.prefix+"-") {
			left = append(left, ct.ID())
		}
	}
	return left, nil
}
