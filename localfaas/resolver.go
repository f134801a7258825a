package localfaas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// ImageResolver finds a function's image before it is recorded, so that a
// deploy of an image nobody pushed fails at once, with a message, rather
// than later in a runtime's pull.
//
// Resolve returns the reference to pull, pinned by digest. An error
// wrapping ErrImageNotFound or ErrInvalidImage is the client's (answered
// with 400); any other means the registry could not be asked (503). Safe
// for concurrent use.
type ImageResolver interface {
	Resolve(ctx context.Context, image string) (string, error)
}

// Errors of an ImageResolver that are the client's.
var (
	ErrImageNotFound = errors.New("not found in registry")
	ErrInvalidImage  = errors.New("invalid image")
)

// RegistryConfig holds what a RegistryResolver needs.
type RegistryConfig struct {
	// Registry is the host:port of the plain-HTTP registry images come
	// from. Images of docker.io are looked up in it as in a mirror, as
	// BuildKit here is configured to do.
	Registry string
	// Transport makes the registry's requests (default: remote's).
	Transport http.RoundTripper
}

// RegistryResolver resolves images in one plain-HTTP registry.
type RegistryResolver struct {
	registry  string
	transport http.RoundTripper
}

// NewRegistryResolver checks cfg and returns a RegistryResolver.
func NewRegistryResolver(cfg RegistryConfig) (*RegistryResolver, error) {
	if _, err := name.NewRegistry(cfg.Registry, name.StrictValidation); err != nil || cfg.Registry == "" {
		return nil, fmt.Errorf("localfaas: registry %q: want host:port", cfg.Registry)
	}
	return &RegistryResolver{registry: cfg.Registry, transport: cfg.Transport}, nil
}

// Resolve asks the registry for image's manifest, by digest or tag.
func (r *RegistryResolver) Resolve(ctx context.Context, image string) (string, error) {
	ref, err := name.ParseReference(image)
	if err != nil {
		return "", fmt.Errorf("%w %q: %v", ErrInvalidImage, image, err)
	}
	switch reg := ref.Context().RegistryStr(); reg {
	case r.registry, name.DefaultRegistry:
	default:
		return "", fmt.Errorf("%w %q: registry %s is not reachable from here; push the image to %s",
			ErrInvalidImage, image, reg, r.registry)
	}
	repo, err := name.NewRepository(r.registry+"/"+ref.Context().RepositoryStr(), name.Insecure)
	if err != nil {
		return "", fmt.Errorf("%w %q: %v", ErrInvalidImage, image, err)
	}
	var local name.Reference = repo.Tag(ref.Identifier())
	if d, ok := ref.(name.Digest); ok {
		local = repo.Digest(d.DigestStr())
	}

	opts := []remote.Option{
		remote.WithContext(ctx),
		// A registry that is down should fail the deploy in seconds, not
		// in remote's default of half a minute of retries.
		remote.WithRetryBackoff(remote.Backoff{Duration: 200 * time.Millisecond, Factor: 2, Steps: 3}),
	}
	if r.transport != nil {
		opts = append(opts, remote.WithTransport(r.transport))
	}
	desc, err := remote.Head(local, opts...)
	var terr *transport.Error
	if errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound {
		if ref.Context().RegistryStr() != r.registry {
			return "", fmt.Errorf("image %s (looked up as %s) %w", image, local, ErrImageNotFound)
		}
		return "", fmt.Errorf("image %s %w", image, ErrImageNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("resolve image %s in %s: %w", image, r.registry, err)
	}
	return repo.Digest(desc.Digest.String()).String(), nil
}
