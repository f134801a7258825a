package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ImageResolver finds what an image reference names now, for the
// functions the service deploys without building them (FunctionSpec's
// Prebuilt), so that they are deployed pinned by digest like the rest.
//
// Resolve returns the digest ("sha256:...") of the manifest ref names. ref
// is written as in a stack file: "functions/nodeinfo:latest",
// "ghcr.io/me/fn@sha256:...", no tag meaning latest. An error is Transient
// when the registry could not be reached or failed (5xx, too many
// requests), since trying again may help; any other error is the user's
// to fix (the image or tag does not exist, access is refused, ref is not
// an image reference), and its message names the image. Resolve never
// changes the registry. Safe for concurrent use.
type ImageResolver interface {
	Resolve(ctx context.Context, ref string) (digest string, err error)
}

// PrebuiltImage is how the records (FunctionBuild.Image, Deployed.Image)
// name a prebuilt function's image: the stack file's reference with the
// digest it resolved to ("functions/nodeinfo:latest@sha256:..."), which
// says both what the user wrote and what runs. ImageByDigest of such a
// record is the reference deployed.
func PrebuiltImage(ref, digest string) string {
	if strings.Contains(ref, "@") {
		return ref // pinned by the stack file already
	}
	return ref + "@" + digest
}

// NotBuilt reports whether image, as a FunctionBuild, a Deployed or a
// PrunableImage records it, is one the service deployed as it found it
// rather than built. The service records the images it builds by their
// tag alone and prebuilt ones by digest (PrebuiltImage), so a recorded
// image naming a digest is never one it pushed: cleanups must not delete
// or retag it, even when it lives in the service's own registry.
func NotBuilt(image string) bool {
	return strings.Contains(image, "@")
}

// OwnImages keeps the images of imgs the service built, in order: those
// NotBuilt names are someone else's, which pruning must leave alone.
func OwnImages(imgs []PrunableImage) []PrunableImage {
	own := imgs[:0:0]
	for _, img := range imgs {
		if !NotBuilt(img.Image) {
			own = append(own, img)
		}
	}
	return own
}

// errNoResolver fails a prebuilt function on a runner wired without an
// ImageResolver.
var errNoResolver = errors.New("this builder cannot resolve images, so functions without a build are not deployed")

// resolvePrebuilt stands in for the build of a prebuilt function: it
// finds the digest spec.Image names now, which the deploy pins, and
// records the image as PrebuiltImage names it.
func (r *Runner) resolvePrebuilt(ctx context.Context, spec FunctionSpec, fb *FunctionBuild, tail *logTail) error {
	tail.Line(ctx, fb.BuildID, spec.Name, StepDeploy, "not built: deployed from its image "+spec.Image+" as it is")
	if r.cfg.Images == nil {
		return errNoResolver
	}
	digest, err := r.cfg.Images.Resolve(ctx, spec.Image)
	if err != nil {
		return err // it names the image, and says whose failure it is
	}
	fb.Image, fb.Digest = PrebuiltImage(spec.Image, digest), digest
	tail.Line(ctx, fb.BuildID, spec.Name, StepDeploy, "resolved "+spec.Image+" to "+digest)
	return nil
}

// prebuiltDone is the line that ends a prebuilt function's log.
func prebuiltDone(spec FunctionSpec, fb FunctionBuild) string {
	return fmt.Sprintf("deployed %s from its image %s (%s), not built", spec.DeployName, spec.Image, fb.Digest)
}

// prebuiltStatus says the same in the room of a commit status (140
// characters on GitHub), with the digest shortened.
func prebuiltStatus(spec FunctionSpec, fb FunctionBuild) string {
	digest := fb.Digest
	if _, hex, ok := strings.Cut(digest, ":"); ok && len(hex) > 12 {
		digest = hex[:12]
	}
	return fmt.Sprintf("deployed %s from its image %s (%s), not built", spec.DeployName, spec.Image, digest)
}
