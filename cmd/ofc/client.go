package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// requestTimeout bounds one JSON request; a followed stream has none, only
// a bound on waiting for its headers.
const requestTimeout = 30 * time.Second

// client calls the service's HTTP API. Safe for concurrent use.
type client struct {
	base  *url.URL
	token string
	http  *http.Client
}

func newClient(base *url.URL, token string) *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = requestTimeout
	return &client{base: base, token: token, http: &http.Client{Transport: tr}}
}

// APIError is an answer other than 2xx from the API (exit code 3).
type APIError struct {
	Method, Path string
	Status       int
	// Message is the body's "error", or the start of a body that is not
	// the API's JSON (a proxy's page, say).
	Message string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s %s: %s (%d %s)", e.Method, e.Path, e.Message, e.Status, http.StatusText(e.Status))
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		msg += "; check --token or OFC_TOKEN"
	}
	return msg
}

// retryable reports whether asking again later may succeed: the service
// restarting or overloaded, not a request it refuses.
func (e *APIError) retryable() bool {
	return e.Status >= 500 || e.Status == http.StatusRequestTimeout || e.Status == http.StatusTooManyRequests
}

// unreachableError is a request that got no answer (exit code 4).
type unreachableError struct {
	url string
	err error
}

func (e *unreachableError) Error() string {
	err := e.err
	if u, ok := errors.AsType[*url.Error](err); ok {
		err = u.Err // its URL says again what e.url says
	}
	return fmt.Sprintf("cannot reach the service at %s (--url, OFC_URL): %v", e.url, err)
}

func (e *unreachableError) Unwrap() error { return e.err }

// request builds a GET of path (below the base URL's own path) with query.
func (c *client) request(ctx context.Context, path string, query url.Values) (*http.Request, error) {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", path, err)
	}
	req.Header.Set("User-Agent", "ofc-cli")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// do sends req and returns the response if it is 2xx; otherwise an
// *APIError or an *unreachableError.
func (c *client) do(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil && !errors.Is(ctxErr, context.DeadlineExceeded) {
			return nil, ctxErr
		}
		return nil, &unreachableError{url: c.base.String(), err: err}
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, &APIError{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, Message: errorMessage(resp)}
}

// errorMessage reads the API's {"error": "..."} body, or failing that the
// first line of whatever the body is.
func errorMessage(resp *http.Response) string {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return e.Error
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	if line == "" {
		return "no message"
	}
	return clip(line, 200)
}

// getJSON GETs path and decodes the JSON answer into out.
func (c *client) getJSON(ctx context.Context, path string, query url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := c.request(ctx, path, query)
	if err != nil {
		return err
	}
	return c.exchange(req, out)
}

// exchange sends req and decodes its JSON answer into out.
func (c *client) exchange(req *http.Request, out any) error {
	req.Header.Set("Accept", "application/json")
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" {
		return &APIError{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode,
			Message: fmt.Sprintf("answered %q, not JSON: is --url the service's address?", mt)}
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: read the answer: %w", req.Method, req.URL.Path, err)
	}
	return nil
}
