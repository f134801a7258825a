package janitor

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// claims is a Claimer that, like the database, lets one claim per (job,
// at) win, and remembers every attempt.
type claims struct {
	mu       sync.Mutex
	won      map[string]string
	attempts map[string][]string
	finished map[string]string
}

func newClaims() *claims {
	return &claims{won: map[string]string{}, attempts: map[string][]string{}, finished: map[string]string{}}
}

func runKey(job string, at time.Time) string { return job + "@" + at.UTC().Format(time.RFC3339Nano) }

func (c *claims) ClaimRun(_ context.Context, job string, at time.Time, by string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := runKey(job, at)
	c.attempts[k] = append(c.attempts[k], by)
	if _, taken := c.won[k]; taken {
		return false, nil
	}
	c.won[k] = by
	return true, nil
}

func (c *claims) FinishRun(_ context.Context, job string, at time.Time, failure string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finished[runKey(job, at)] = failure
	return nil
}

// record is a deployment as the fake store holds it.
type record struct {
	pipeline.Deployed
	removed   bool
	removedBy int64
	why       string
}

// previews holds deployment records and the images each branch pushed.
type previews struct {
	mu      sync.Mutex
	records []*record
	images  map[string][]pipeline.PrunableImage
	listed  []string
}

func (p *previews) StalePreviews(_ context.Context, olderThan time.Time) ([]pipeline.Deployed, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []pipeline.Deployed
	for _, r := range p.records {
		if r.Preview && !r.removed && r.DeployedAt.Before(olderThan) {
			out = append(out, r.Deployed)
		}
	}
	return out, nil
}

func (p *previews) MarkRemoved(_ context.Context, name string, id int64, why string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.records {
		if r.DeployName == name && !r.removed {
			r.removed, r.removedBy, r.why = true, id, why
		}
	}
	return nil
}

func (p *previews) PrunableImages(_ context.Context, _ int64, branch string) ([]pipeline.PrunableImage, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.listed = append(p.listed, branch)
	return p.images[branch], nil
}

func (p *previews) record(name string) record {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.records {
		if r.DeployName == name {
			return *r
		}
	}
	return record{}
}

// gateway is a Remover that records its calls and fails those it is told
// to.
type gateway struct {
	mu      sync.Mutex
	removed []string
	pruned  []pipeline.PrunableImage
	fail    map[string]error
}

func (g *gateway) RemoveFunction(_ context.Context, name string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.fail[name]; err != nil {
		return err
	}
	g.removed = append(g.removed, name)
	return nil
}

func (g *gateway) PruneImage(_ context.Context, img pipeline.PrunableImage) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pruned = append(g.pruned, img)
	return nil
}

func (g *gateway) calls() (removed []string, pruned []pipeline.PrunableImage) {
	g.mu.Lock()
	defer g.mu.Unlock()
	removed = slices.Clone(g.removed)
	slices.Sort(removed)
	return removed, slices.Clone(g.pruned)
}
