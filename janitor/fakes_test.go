package janitor

import (
	"context"
	"slices"
	"strconv"
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

// buildLog is a build's log as the fake log store holds it.
type buildLog struct {
	repo string
	id   int64
	// ended is nil while the build runs.
	ended *time.Time
	// why is the reason its log was removed, "" while it is kept.
	why string
}

// logStore applies the retention rules as the store does, records the
// calls, and fails those it is told to ("age", "count").
type logStore struct {
	mu     sync.Mutex
	builds []*buildLog
	calls  []string
	fail   map[string]error
}

func (s *logStore) RemoveLogsFinishedBefore(_ context.Context, cutoff time.Time, why string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "finished before "+cutoff.Format(time.DateOnly))
	if err := s.fail["age"]; err != nil {
		return 0, err
	}
	return s.remove(why, func(b *buildLog) bool { return b.ended.Before(cutoff) }), nil
}

func (s *logStore) RemoveLogsBeyondLatest(_ context.Context, keep int, why string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "beyond latest "+strconv.Itoa(keep))
	if err := s.fail["count"]; err != nil {
		return 0, err
	}
	return s.remove(why, func(b *buildLog) bool {
		newer := 0
		for _, o := range s.builds {
			if o.repo == b.repo && o.id > b.id {
				newer++
			}
		}
		return newer >= keep
	}), nil
}

// remove removes the kept logs of the ended builds that match.
func (s *logStore) remove(why string, match func(*buildLog) bool) int64 {
	var n int64
	for _, b := range s.builds {
		if b.ended != nil && b.why == "" && match(b) {
			b.why = why
			n++
		}
	}
	return n
}

// removed maps each build whose log was removed to why.
func (s *logStore) removed() map[int64]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]string{}
	for _, b := range s.builds {
		if b.why != "" {
			out[b.id] = b.why
		}
	}
	return out
}
