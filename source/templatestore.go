package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// maxStoreIndexBytes bounds a template store index: OpenFaaS's holds a
// few hundred entries in under 100 KiB.
const maxStoreIndexBytes = 8 << 20

// StoreConfig configures a TemplateStore.
type StoreConfig struct {
	// URL is the index, in the format of OpenFaaS's store templates.json
	// (https://raw.githubusercontent.com/openfaas/store/master/templates.json).
	URL string
	// Refresh is how long the index is used before it is read again
	// (DefaultTemplateRefresh when 0).
	Refresh time.Duration
	// Timeout bounds one read of the index (30s when 0).
	Timeout time.Duration
	// Client makes the requests; http.DefaultClient when nil.
	Client *http.Client
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// storeEntry is an entry of templates.json; the fields this service does
// not use are left out.
type storeEntry struct {
	Template string `json:"template"`
	Platform string `json:"platform"`
	Source   string `json:"source"`
	Repo     string `json:"repo"`
}

// TemplateStore finds the repository of a template by its name in a
// template store index, as faas-cli template store pull does. It
// implements template.Store. Safe for concurrent use.
type TemplateStore struct {
	cfg StoreConfig

	mu      sync.Mutex
	entries []storeEntry
	at      time.Time
}

// NewTemplateStore returns the store whose index is at cfg.URL.
func NewTemplateStore(cfg StoreConfig) *TemplateStore {
	if cfg.Refresh == 0 {
		cfg.Refresh = DefaultTemplateRefresh
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = http.DefaultClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &TemplateStore{cfg: cfg}
}

// storePlatforms are the store's names of the builder's platform, whose
// entry is taken when a name has one per platform.
var storePlatforms = map[string]string{"amd64": "x86_64", "arm64": "arm64", "arm": "armhf"}

// Lookup implements template.Store: the repository of the template
// called name ("golang-middleware", or "openfaas/golang-middleware" with
// the entry's source), "" when the index has no such template. The index
// is read at most once per Refresh. An error means the index could not
// be read: it is the installation's, so it is transient.
func (s *TemplateStore) Lookup(ctx context.Context, name string) (string, error) {
	entries, err := s.index(ctx)
	if err != nil {
		return "", pipeline.Transient(fmt.Errorf("template store %s: %w", s.cfg.URL, err))
	}
	var found []storeEntry
	for _, e := range entries {
		if e.Repo != "" && (e.Template == name || e.Source+"/"+e.Template == name) {
			found = append(found, e)
		}
	}
	if len(found) == 0 {
		return "", nil
	}
	for _, e := range found {
		if strings.EqualFold(e.Platform, storePlatforms[runtime.GOARCH]) {
			return e.Repo, nil
		}
	}
	return found[0].Repo, nil
}

// URL is the index's address, for messages.
func (s *TemplateStore) URL() string { return s.cfg.URL }

// index is the store's entries, read again once Refresh has passed. A
// failed read leaves the last good index in use until it succeeds.
func (s *TemplateStore) index(ctx context.Context) ([]storeEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries != nil && s.cfg.Now().Sub(s.at) < s.cfg.Refresh {
		return s.entries, nil
	}
	entries, err := s.read(ctx)
	if err != nil {
		if s.entries != nil {
			return s.entries, nil
		}
		return nil, err
	}
	s.entries, s.at = entries, s.cfg.Now()
	return entries, nil
}

func (s *TemplateStore) read(ctx context.Context) ([]storeEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.URL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET answered %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxStoreIndexBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxStoreIndexBytes {
		return nil, errors.New("the index is larger than 8 MiB")
	}
	entries := []storeEntry{}
	if err := json.Unmarshal(body, &entries); err != nil {
		return nil, fmt.Errorf("not a templates.json index: %w", err)
	}
	return entries, nil
}
