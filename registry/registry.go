// Package registry names function images and asks the registry about
// them: whether a tag exists (and its digest), which tags a repository
// holds, and deleting what is no longer needed.
package registry

import (
	"github.com/ofcbuild/ofc/pipeline"

	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Config says which registry images go to and how to reach it.
type Config struct {
	// Host is the registry, optionally with a path prefix:
	// "127.0.0.1:5000" or "registry.example.com/functions".
	Host string
	// Insecure talks plain HTTP to the registry.
	Insecure bool
	// Username and Password are sent, as basic auth, to Host only. Both
	// empty means anonymous access.
	Username string
	Password string
	// Mirror, when set, is a registry that answers for Docker Hub, as
	// BuildKit's and the runtime's mirror does ("127.0.0.1:5000"): the
	// images of prebuilt functions that name Docker Hub are looked up
	// there first.
	Mirror string
}

// Registry names images under one registry and queries it. Safe for
// concurrent use.
type Registry struct {
	cfg  Config
	host string
	reg  name.Registry
	auth authn.Authenticator
	// mirror answers for Docker Hub; nil when there is none.
	mirror *name.Registry
}

// New checks cfg and returns a Registry.
func New(cfg Config) (*Registry, error) {
	host := strings.ToLower(strings.TrimRight(cfg.Host, "/"))
	if host == "" {
		return nil, errors.New("registry: host is empty")
	}
	hostOnly, _, _ := strings.Cut(host, "/")
	reg, err := name.NewRegistry(hostOnly, options(cfg)...)
	if err != nil {
		return nil, fmt.Errorf("registry: host %q: %w", cfg.Host, err)
	}
	r := &Registry{cfg: cfg, host: host, reg: reg, auth: authn.Anonymous}
	if cfg.Mirror != "" {
		m, err := name.NewRegistry(strings.TrimRight(cfg.Mirror, "/"), options(cfg)...)
		if err != nil {
			return nil, fmt.Errorf("registry: mirror %q: %w", cfg.Mirror, err)
		}
		r.mirror = &m
	}
	if cfg.Username != "" || cfg.Password != "" {
		r.auth = &authn.Basic{Username: cfg.Username, Password: cfg.Password}
	}
	// A prefix that no repository can live under fails here, not at the
	// first push.
	if _, err := r.parse(r.Ref("o", "r", "f", "c")); err != nil {
		return nil, fmt.Errorf("registry: host %q: %w", cfg.Host, err)
	}
	return r, nil
}

// Host is the registry host and prefix images are named under.
func (r *Registry) Host() string { return r.host }

// Exists reports whether ref, an image reference by tag or by digest,
// names a manifest in the registry, and its digest ("sha256:...") when it
// does. A missing manifest or repository is ok=false with a nil error. An
// error is Transient when the registry could not be reached or answered
// that it is unavailable.
func (r *Registry) Exists(ctx context.Context, ref string) (digest string, ok bool, err error) {
	parsed, err := r.parse(ref)
	if err != nil {
		return "", false, err
	}
	desc, err := remote.Head(parsed, r.remote(ctx, parsed.Context().Registry)...)
	if err != nil {
		if isNotFound(err) {
			return "", false, nil
		}
		return "", false, classify(fmt.Errorf("look up %s: %w", ref, err))
	}
	return desc.Digest.String(), true, nil
}

// Delete removes the manifest ref names. A tag is first resolved to its
// digest, since registries delete manifests, not tags: every other tag of
// the same manifest goes with it. Deleting what does not exist is not an
// error. The registry must have deletion enabled.
func (r *Registry) Delete(ctx context.Context, ref string) error {
	digest, ok, err := r.Exists(ctx, ref)
	if err != nil || !ok {
		return err
	}
	parsed, err := r.parse(ref)
	if err != nil {
		return err
	}
	byDigest := parsed.Context().Digest(digest)
	if err := remote.Delete(byDigest, r.remote(ctx, byDigest.Context().Registry)...); err != nil {
		if isNotFound(err) {
			return nil
		}
		return classify(fmt.Errorf("delete %s (%s): %w", ref, digest, err))
	}
	return nil
}

// Tags lists the tags of a repository ("<host>/<owner>/<repo>/<function>",
// as Repository returns it). A repository that does not exist has none.
func (r *Registry) Tags(ctx context.Context, repository string) ([]string, error) {
	repo, err := name.NewRepository(repository, options(r.cfg)...)
	if err != nil {
		return nil, fmt.Errorf("parse repository %q: %w", repository, err)
	}
	tags, err := remote.List(repo, r.remote(ctx, repo.Registry)...)
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, classify(fmt.Errorf("list tags of %s: %w", repository, err))
	}
	return tags, nil
}

func (r *Registry) parse(ref string) (name.Reference, error) {
	parsed, err := name.ParseReference(ref, options(r.cfg)...)
	if err != nil {
		return nil, fmt.Errorf("parse image reference %q: %w", ref, err)
	}
	return parsed, nil
}

// remote returns the options of one request; credentials go only to the
// configured registry, never to a host a reference happens to name.
func (r *Registry) remote(ctx context.Context, reg name.Registry) []remote.Option {
	auth := authn.Anonymous
	if reg.RegistryStr() == r.reg.RegistryStr() {
		auth = r.auth
	}
	return []remote.Option{remote.WithContext(ctx), remote.WithAuth(auth)}
}

func options(cfg Config) []name.Option {
	opts := []name.Option{name.StrictValidation}
	if cfg.Insecure {
		opts = append(opts, name.Insecure)
	}
	return opts
}

// PruneImage deletes the manifest img pins by digest, whatever tags name
// it now. Pruning what is gone is not an error. An image the service did
// not build (pipeline.NotBuilt: a prebuilt function's) is never deleted,
// wherever it lives: that is an error.
func (r *Registry) PruneImage(ctx context.Context, img pipeline.PrunableImage) error {
	if pipeline.NotBuilt(img.Image) {
		return fmt.Errorf("prune %s: %w", img.Image, ErrNotBuilt)
	}
	return r.Delete(ctx, pipeline.RepositoryOf(img.Image)+"@"+img.Digest)
}
