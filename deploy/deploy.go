// Package deploy runs functions on an OpenFaaS gateway: create or update
// with the image pinned by digest, wait until ready, list and delete. It
// implements pipeline.Deployer on top of the official go-sdk.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	sdk "github.com/openfaas/go-sdk"

	"github.com/ofcbuild/ofc/pipeline"
)

// Config holds what a Client needs.
type Config struct {
	// GatewayURL is the gateway's base URL, for example http://127.0.0.1:8080.
	GatewayURL string
	// Username and Password are the gateway's basic auth credentials. Both
	// empty means no authentication.
	Username string
	Password string
	// Namespace is the functions' namespace; empty means the gateway's
	// default.
	Namespace string
	// ReadyTimeout bounds WaitReady (default 2 minutes); a shorter deadline
	// on the context wins.
	ReadyTimeout time.Duration
	// PollInterval is how often WaitReady asks the gateway (default 1s).
	PollInterval time.Duration
	// HTTPClient makes the calls (default: a client with a 30s timeout).
	HTTPClient *http.Client
}

// Client is a gateway client. It is safe for concurrent use.
type Client struct {
	sdk          *sdk.Client
	namespace    string
	readyTimeout time.Duration
	pollInterval time.Duration
}

var _ pipeline.Deployer = (*Client)(nil)

// New checks cfg, fills its defaults and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.GatewayURL)
	if err != nil {
		return nil, fmt.Errorf("deploy: gateway URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("deploy: gateway URL %q: want http(s)://host[:port]", cfg.GatewayURL)
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, errors.New("deploy: gateway username and password must be given together")
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 2 * time.Minute
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	hc.Transport = &observer{next: hc.Transport}

	var auth sdk.ClientAuth
	if cfg.Username != "" {
		auth = &sdk.BasicAuth{Username: cfg.Username, Password: cfg.Password}
	}
	return &Client{
		sdk:          sdk.NewClient(u, auth, hc),
		namespace:    cfg.Namespace,
		readyTimeout: cfg.ReadyTimeout,
		pollInterval: cfg.PollInterval,
	}, nil
}

// Deploy creates spec.DeployName running image, or updates it when it
// exists. image must be pinned by digest (repo@sha256:...).
//
// It updates first and creates on 404, as faas-cli does: gateways agree on
// "update of a missing function is 404", but not on what creating an
// existing one answers (faasd says 400, others 409 or 500).
func (c *Client) Deploy(ctx context.Context, spec pipeline.FunctionSpec, image string) error {
	what := "deploy " + spec.DeployName
	if spec.DeployName == "" {
		return fmt.Errorf("deploy %s: function has no deploy name", spec.Name)
	}
	if !strings.Contains(image, "@sha256:") {
		return fmt.Errorf("%s: image %q is not pinned by digest", what, image)
	}
	name, ns := c.address(spec.DeployName)
	fd := toDeployment(spec, name, image, ns)
	update := func(ctx context.Context) error { _, err := c.sdk.Update(ctx, fd); return err }
	create := func(ctx context.Context) error { _, err := c.sdk.Deploy(ctx, fd); return err }

	err := c.call(ctx, what, update)
	if !errors.Is(err, ErrNotFound) {
		return c.explain(ctx, err, ns)
	}
	createErr := c.call(ctx, what, create)
	if createErr == nil || pipeline.IsTransient(createErr) {
		return createErr
	}
	// Another deploy of the same function may have created it since our
	// update; if so, updating now succeeds and is what was asked.
	if c.call(ctx, what, update) == nil {
		return nil
	}
	return c.explain(ctx, createErr, ns)
}

// explain says, of a deploy the gateway refused, when the reason is a
// namespace the gateway does not have: gateways word that refusal each
// their own way (or answer 404 to the update and 400 to the create), and
// the user must learn which namespaces there are.
func (c *Client) explain(ctx context.Context, err error, ns string) error {
	if err == nil || pipeline.IsTransient(err) || ns == "" || ns == c.namespace {
		return err
	}
	var have []string
	if c.call(ctx, "list namespaces", func(ctx context.Context) error {
		var lerr error
		have, lerr = c.sdk.GetNamespaces(ctx)
		return lerr
	}) != nil || slices.Contains(have, ns) {
		return err
	}
	return fmt.Errorf("%w (the gateway has no namespace %q; it has %s)", err, ns, strings.Join(have, ", "))
}

// call runs one gateway request and turns its outcome into an error that
// says what failed and whether trying again may help.
func (c *Client) call(ctx context.Context, what string, fn func(context.Context) error) error {
	ctx, ex := withExchange(ctx)
	err := fn(ctx)
	return classify(what, ex, err)
}
