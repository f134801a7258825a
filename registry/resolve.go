package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/ofcbuild/ofc/pipeline"
)

// Resolve implements pipeline.ImageResolver for the images of prebuilt
// functions, which may live anywhere: the configured registry is asked
// with its credentials (over plain HTTP when Insecure), every other one
// anonymously. A Docker Hub image is looked up in Mirror first, when one
// is configured, as BuildKit and the runtime pull it.
func (r *Registry) Resolve(ctx context.Context, ref string) (string, error) {
	parsed, err := name.ParseReference(ref)
	if err != nil {
		return "", fmt.Errorf("image %q is not an image reference: %w", ref, err)
	}
	if parsed.Context().RegistryStr() == name.DefaultRegistry && r.mirror != nil {
		if digest, err := r.resolve(ctx, ref, r.mirrored(parsed)); err == nil || pipeline.IsTransient(err) {
			return digest, err
		}
		// Not in the mirror: Docker Hub may have it, as a pull would find.
	}
	if parsed.Context().RegistryStr() == r.reg.RegistryStr() && r.cfg.Insecure {
		if parsed, err = name.ParseReference(ref, name.Insecure); err != nil {
			return "", fmt.Errorf("image %q is not an image reference: %w", ref, err)
		}
	}
	return r.resolve(ctx, ref, parsed)
}

// mirrored is ref, a Docker Hub image, in the mirror.
func (r *Registry) mirrored(ref name.Reference) name.Reference {
	repo := r.mirror.Repo(ref.Context().RepositoryStr())
	if d, ok := ref.(name.Digest); ok {
		return repo.Digest(d.DigestStr())
	}
	return repo.Tag(ref.Identifier())
}

// resolve asks for the manifest of at, which is ref or where ref is
// looked up, and says what its answer means for the user.
func (r *Registry) resolve(ctx context.Context, ref string, at name.Reference) (string, error) {
	reg := at.Context().RegistryStr()
	desc, err := remote.Head(at, r.remote(ctx, at.Context().Registry)...)
	if err == nil {
		return desc.Digest.String(), nil
	}
	var te *transport.Error
	if !errors.As(err, &te) || te.StatusCode >= 500 || te.StatusCode == http.StatusTooManyRequests || te.Temporary() {
		// Unreachable, down or overloaded: classify says which is worth a
		// retry; whatever it leaves is the user's.
		return "", classify(fmt.Errorf("look up image %s in %s: %w", ref, reg, err))
	}
	switch te.StatusCode {
	case http.StatusNotFound:
		return "", fmt.Errorf("image %s does not exist: %s has no such repository or tag", ref, reg)
	case http.StatusUnauthorized, http.StatusForbidden:
		who := "anonymously: a private image must be pushed to " + r.reg.RegistryStr() + " to be deployed"
		if reg == r.reg.RegistryStr() {
			who = "with the service's registry credentials"
		}
		// Docker Hub answers 401 for a repository that does not exist too.
		return "", fmt.Errorf("image %s: %s refused access (%d) %s; or the image does not exist", ref, reg, te.StatusCode, who)
	}
	return "", fmt.Errorf("look up image %s in %s: %w", ref, reg, err)
}
