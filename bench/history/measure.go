package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ofcbuild/ofc/store"
)

// pageSize is the listing the goal names: a repository's latest 50 builds.
const pageSize = 50

// lister is one way of reading a page of a repository's builds; it fails
// unless it got a full page.
type lister func(ctx context.Context, t target) error

// viaAPI lists through GET /api/builds at base, reading the whole body, as
// the browser and the CLI do. With check it decodes the page and counts
// its builds; the timed runs do not, so that the client's decoding is not
// counted as the server's work.
func viaAPI(client *http.Client, base string, check bool) lister {
	return func(ctx context.Context, t target) error {
		q := url.Values{"owner": {t.owner}, "repo": {t.name}, "limit": {strconv.Itoa(pageSize)}}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/builds?"+q.Encode(), nil)
		if err != nil {
			return fmt.Errorf("list %s/%s: %w", t.owner, t.name, err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("list %s/%s: %w", t.owner, t.name, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return fmt.Errorf("list %s/%s: read body: %w", t.owner, t.name, err)
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("list %s/%s: status %d: %s", t.owner, t.name, resp.StatusCode, body)
		}
		if !check {
			return nil
		}
		var page struct {
			Builds []json.RawMessage `json:"builds"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return fmt.Errorf("list %s/%s: decode: %w", t.owner, t.name, err)
		}
		return fullPage(t, len(page.Builds))
	}
}

// viaStore lists with store.ListBuilds, the call behind the API and the
// repository page, without HTTP and JSON.
func viaStore(st *store.Store) lister {
	return func(ctx context.Context, t target) error {
		builds, err := st.ListBuilds(ctx, t.owner, t.name, pageSize)
		if err != nil {
			return err
		}
		return fullPage(t, len(builds))
	}
}

func fullPage(t target, n int) error {
	if n != pageSize {
		return fmt.Errorf("list %s/%s: got %d builds, want %d", t.owner, t.name, n, pageSize)
	}
	return nil
}

// timeSequential runs list warm times untimed, then n times one after the
// other, and returns each timed run's duration. Sequential requests show
// what one user waits for, without queueing behind others.
func timeSequential(ctx context.Context, list lister, t target, warm, n int) ([]time.Duration, error) {
	for range warm {
		if err := list(ctx, t); err != nil {
			return nil, err
		}
	}
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		if err := list(ctx, t); err != nil {
			return nil, err
		}
		ds[i] = time.Since(start)
	}
	return ds, nil
}
