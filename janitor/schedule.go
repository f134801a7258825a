package janitor

import (
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// aligned makes an @every schedule fall on the same instants in every
// process: cron counts it from each one's start, so builders started
// apart would each claim a run of their own. Other schedules name wall
// clock times already.
func aligned(s cron.Schedule) cron.Schedule {
	if every, ok := s.(cron.ConstantDelaySchedule); ok {
		return alignedEvery{every.Delay}
	}
	return s
}

// alignedEvery runs at the multiples of d since the zero time.
type alignedEvery struct{ d time.Duration }

func (a alignedEvery) Next(t time.Time) time.Time { return t.Truncate(a.d).Add(a.d) }

// tracked remembers the last times its schedule gave cron, for a job to
// tell which scheduled time woke it: cron starts the job without saying,
// and builders must name a run by the time it was due, not by the moment
// each happened to wake.
type tracked struct {
	cron.Schedule
	mu    sync.Mutex
	given []time.Time
}

// keep is how many given times are remembered: cron asks for the next
// time as it starts a job, so the one that woke the job is the one before.
const keep = 4

// Next implements cron.Schedule.
func (s *tracked) Next(t time.Time) time.Time {
	next := s.Schedule.Next(t)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.given = append(s.given, next)
	if len(s.given) > keep {
		s.given = s.given[len(s.given)-keep:]
	}
	return next
}

// due returns the latest time given that is not after now: the one cron
// is running the job for. With none, it is now.
func (s *tracked) due(now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due time.Time
	for _, t := range s.given {
		if !t.After(now) && t.After(due) {
			due = t
		}
	}
	if due.IsZero() {
		return now
	}
	return due
}
