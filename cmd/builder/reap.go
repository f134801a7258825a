package main

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

// reapSettings say when the reaper hands a quiet build back to the queue.
type reapSettings struct {
	// ReapAfter is how long an unfinished build goes unheard before the
	// reaper looks at it; 0 turns the reaper off.
	ReapAfter time.Duration
	// ReapSpec is the reaper's schedule as written, ReapSchedule as parsed.
	ReapSpec     string
	ReapSchedule cron.Schedule
	// MaxReaps is how many times one build is handed back before it ends
	// as an error.
	MaxReaps int
}

// readReapSettings reads the reaper's settings and checks them against
// the claim timeout: a build is not quiet while the queue may still
// redeliver it to a builder that takes its claim over (the ack wait is
// 1.5 claim timeouts, a held delivery's delay at most 1.25), so the
// reaper waits 3 claim timeouts at least.
func (c *config) readReapSettings(r *envconfig.Reader) error {
	c.ReapAfter = r.Duration("OFC_REAP_AFTER", 5*time.Minute)
	c.ReapSpec = r.String("OFC_REAP_SCHEDULE", "@every 1m")
	c.MaxReaps = r.Int("OFC_MAX_REAPS", 3)
	sched, err := cron.ParseStandard(c.ReapSpec)
	if err != nil {
		return fmt.Errorf("OFC_REAP_SCHEDULE=%q: not a cron schedule such as \"@every 1m\": %w", c.ReapSpec, err)
	}
	c.ReapSchedule = sched
	switch {
	case c.ReapAfter < 0 || c.MaxReaps < 0:
		return fmt.Errorf("OFC_REAP_AFTER=%s and OFC_MAX_REAPS=%d: neither may be negative", c.ReapAfter, c.MaxReaps)
	case c.ReapAfter > 0 && c.ReapAfter < 3*c.ClaimTimeout:
		return fmt.Errorf("OFC_REAP_AFTER=%s: at least 3 times OFC_CLAIM_TIMEOUT (%s), or 0 to turn the reaper off: "+
			"until then the queue may still hand the build to a builder", c.ReapAfter, 3*c.ClaimTimeout)
	}
	return nil
}
