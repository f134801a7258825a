package janitor

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// removeStale removes the previews that have had no push for the TTL:
// each comes off the gateway, then its record says so, then the images
// their branches pushed and nothing live runs any more are pruned. A
// transient failure ends the run; what it left is stale still, and the
// next run finds it again.
func (j *Janitor) removeStale(ctx context.Context) error {
	why := "no push for " + humanDuration(j.cfg.TTL)
	stale, err := j.cfg.Previews.StalePreviews(ctx, j.cfg.Now().Add(-j.cfg.TTL))
	if err != nil {
		return err
	}
	var (
		removed []pipeline.Deployed
		errs    []error
	)
	for _, d := range stale {
		log := j.log.With("job", JobStalePreviews, "deploy_name", d.DeployName, "branch", d.Branch, "deployed_at", d.DeployedAt)
		if err := j.cfg.Remover.RemoveFunction(ctx, d.DeployName); err != nil {
			log.Warn("could not remove stale preview", "err", err)
			errs = append(errs, fmt.Errorf("remove %s: %w", d.DeployName, err))
			if pipeline.IsTransient(err) || ctx.Err() != nil {
				break
			}
			continue
		}
		if err := j.cfg.Previews.MarkRemoved(ctx, d.DeployName, 0, why); err != nil {
			// The function is gone and its record live: the next run
			// removes it again, which is no error, and records it.
			errs = append(errs, err)
			break
		}
		log.Info("removed stale preview", "why", why)
		removed = append(removed, d)
	}
	errs = append(errs, j.prune(ctx, removed)...)
	return errors.Join(errs...)
}

// prune deletes the images of the removed previews' branches that no live
// deployment runs, each once.
func (j *Janitor) prune(ctx context.Context, removed []pipeline.Deployed) []error {
	type branch struct {
		build int64
		name  string
	}
	var errs []error
	listed := map[branch]bool{}
	pruned := map[pipeline.PrunableImage]bool{}
	for _, d := range removed {
		b := branch{d.BuildID, d.Branch}
		if listed[b] {
			continue
		}
		listed[b] = true
		imgs, err := j.cfg.Previews.PrunableImages(ctx, d.BuildID, d.Branch)
		if err != nil {
			return append(errs, err)
		}
		// Prebuilt functions' images are not the service's to delete.
		for _, img := range pipeline.OwnImages(imgs) {
			if pruned[img] {
				continue
			}
			pruned[img] = true
			if err := j.cfg.Remover.PruneImage(ctx, img); err != nil {
				// An image left behind costs disk, not correctness.
				j.log.Warn("could not prune image", "job", JobStalePreviews, "image", img.Image, "digest", img.Digest, "err", err)
				errs = append(errs, fmt.Errorf("prune %s@%s: %w", img.Image, img.Digest, err))
				if pipeline.IsTransient(err) || ctx.Err() != nil {
					return errs
				}
				continue
			}
			j.log.Info("pruned image", "job", JobStalePreviews, "image", img.Image, "digest", img.Digest)
		}
	}
	return errs
}

// humanDuration writes d as a person would: "7 days", "36h", "1h30m",
// "3s".
func humanDuration(d time.Duration) string {
	const day = 24 * time.Hour
	if d >= day && d%day == 0 {
		if d == day {
			return "1 day"
		}
		return strconv.FormatInt(int64(d/day), 10) + " days"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
