package pipeline

import (
	"context"
	"fmt"
	"io"
)

// BuiltImage is an image an earlier build pushed.
type BuiltImage struct {
	// Image is the tag it was pushed under and Digest its manifest.
	Image  string
	Digest string
	// Commit is the commit it was built for; BuildID is the build that
	// recorded it last (which may have reused it).
	Commit  string
	BuildID int64
}

// ImageHistory finds the images builds pushed, by what made them.
//
// BuiltImage returns the newest image a build of the repository of build
// id pushed for function name with content hash contentHash, and false
// when there is none. Its errors are Transient. Safe for concurrent use.
type ImageHistory interface {
	BuiltImage(ctx context.Context, id int64, name, contentHash string) (BuiltImage, bool, error)
}

// Retagger names an image that is in the registry already again.
//
// Retag makes each of refs, tags of the repository of image (which is
// pinned by digest, repo@sha256:...), name image's manifest. found is
// false, and nothing is tagged, when the registry no longer has the
// manifest (it was pruned). An error is Transient when the registry could
// not be reached or failed. Safe for concurrent use.
type Retagger interface {
	Retag(ctx context.Context, image string, refs []string) (found bool, err error)
}

// CacheExporter keeps the build cache of a function where every builder
// finds it.
//
// ExportCache saves the cache of spec, which was just built, so that a
// later build of it on any builder, or on one whose cache was wiped,
// starts from there. Its errors are never the user's; the runner says
// them in the log and goes on. Safe for concurrent use.
type CacheExporter interface {
	ExportCache(ctx context.Context, spec FunctionSpec, log io.Writer) error
}

// exportCache saves the cache of a function this attempt built, once it
// is live: off the path from the push to its answer.
func (r *Runner) exportCache(ctx context.Context, spec FunctionSpec, fb FunctionBuild, tail *logTail) {
	if r.cfg.Cache == nil || spec.Prebuilt || fb.ReusedFrom != "" || fb.State != Success {
		return
	}
	w := NewLineWriter(ctx, tail, fb.BuildID, spec.Name, StepBuild)
	err := r.cfg.Cache.ExportCache(ctx, spec, w)
	w.Close()
	if err != nil {
		tail.Line(ctx, fb.BuildID, spec.Name, StepBuild, "warning: the build cache was not saved: "+err.Error())
	}
}

// reuse stands in for the build of a function whose content an earlier
// build of the repository made an image of already: that image is tagged
// under this build's names and recorded as fb's. It reports false, and
// the function is built, when there is no such image, it is gone from the
// registry, or it is in another repository (the function was renamed).
func (r *Runner) reuse(ctx context.Context, spec FunctionSpec, fb *FunctionBuild, tail *logTail) (bool, error) {
	if spec.ContentHash == "" || r.cfg.Built == nil || r.cfg.Retagger == nil {
		return false, nil
	}
	img, ok, err := r.cfg.Built.BuiltImage(ctx, fb.BuildID, spec.Name, spec.ContentHash)
	if err != nil || !ok {
		return false, err
	}
	if RepositoryOf(img.Image) != RepositoryOf(spec.Image) {
		return false, nil
	}
	pinned := RepositoryOf(img.Image) + "@" + img.Digest
	found, err := r.cfg.Retagger.Retag(ctx, pinned, append([]string{spec.Image}, spec.Aliases...))
	if err != nil {
		return false, fmt.Errorf("reuse the image of %s: %w", ShortSHA(img.Commit), err)
	}
	if !found {
		tail.Line(ctx, fb.BuildID, spec.Name, StepBuild, fmt.Sprintf("unchanged since %s, but its image %s is gone from the registry: building it again", ShortSHA(img.Commit), pinned))
		return false, nil
	}
	fb.Digest, fb.ReusedFrom = img.Digest, img.Commit
	tail.Line(ctx, fb.BuildID, spec.Name, StepBuild, fmt.Sprintf("unchanged since %s: its image %s is reused, tagged %s; not built", ShortSHA(img.Commit), pinned, spec.Image))
	return true, nil
}
