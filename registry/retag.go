package registry

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Retag implements pipeline.Retagger: the manifest image pins by digest
// gets each of refs as a tag, by pushing the same manifest under it, so a
// commit names its images even when they were built for an earlier one.
// Nothing is pulled or built. Retagging across repositories is refused: a
// registry would need the blobs mounted first.
func (r *Registry) Retag(ctx context.Context, image string, refs []string) (bool, error) {
	parsed, err := r.parse(image)
	if err != nil {
		return false, err
	}
	if _, ok := parsed.(name.Digest); !ok {
		return false, fmt.Errorf("retag %s: want an image pinned by digest", image)
	}
	desc, err := remote.Get(parsed, r.remote(ctx, parsed.Context().Registry)...)
	if err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, classify(fmt.Errorf("look up %s: %w", image, err))
	}
	for _, ref := range refs {
		tag, err := name.NewTag(ref, options(r.cfg)...)
		if err != nil {
			return false, fmt.Errorf("retag %s as %q: %w", image, ref, err)
		}
		if tag.Context().String() != parsed.Context().String() {
			return false, fmt.Errorf("retag %s as %s: another repository", image, ref)
		}
		if err := remote.Tag(tag, desc, r.remote(ctx, tag.Context().Registry)...); err != nil {
			return false, classify(fmt.Errorf("tag %s as %s: %w", image, ref, err))
		}
	}
	return true, nil
}
