package janitor

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ofcbuild/ofc/pipeline"
)

// quietStore holds quiet builds as the database would, reaping them with
// the same rule.
type quietStore struct {
	mu     sync.Mutex
	builds map[int64]*pipeline.QuietBuild
	errors map[int64]string
}

func (s *quietStore) QuietBuilds(context.Context, time.Time, int) ([]pipeline.QuietBuild, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []pipeline.QuietBuild
	for id := int64(1); id <= int64(len(s.builds)); id++ {
		if b := s.builds[id]; !b.State.Final() {
			out = append(out, *b)
		}
	}
	return out, nil
}

func (s *quietStore) ReapBuild(_ context.Context, id int64, _ time.Time, max int, requeued, gaveUp string) (pipeline.State, int, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.builds[id]
	if b.Reaped >= max {
		b.State, s.errors[id] = pipeline.Error, gaveUp
		return b.State, b.Reaped, false, nil
	}
	b.State, b.Reaped, s.errors[id] = pipeline.Queued, b.Reaped+1, requeued
	return b.State, b.Reaped, false, nil
}

type requests struct {
	waiting  map[int64]bool
	requeued []int64
}

func (r *requests) Waiting(_ context.Context, id int64) (bool, error) { return r.waiting[id], nil }
func (r *requests) Requeue(_ context.Context, req pipeline.BuildRequest, _ int) error {
	r.requeued = append(r.requeued, req.BuildID)
	return nil
}

type reports struct{ got []pipeline.CommitStatus }

func (r *reports) Report(_ context.Context, _ pipeline.Event, st pipeline.CommitStatus) error {
	r.got = append(r.got, st)
	return nil
}

func TestTheReaperRequeuesQuietBuildsUntilItGivesUp(t *testing.T) {
	st := &quietStore{errors: map[int64]string{}, builds: map[int64]*pipeline.QuietBuild{
		1: {Request: pipeline.BuildRequest{BuildID: 1}, State: pipeline.Running},
		2: {Request: pipeline.BuildRequest{BuildID: 2}, State: pipeline.Queued},
		3: {Request: pipeline.BuildRequest{BuildID: 3}, State: pipeline.Running, Reaped: 2},
	}}
	req := &requests{waiting: map[int64]bool{2: true}}
	reapEvery, _ := cron.ParseStandard("@every 1m")
	rep := &reports{}
	j := newWith(t, "@hourly", Config{Claimer: newClaims(), Builds: st, Requests: req, ReapSchedule: reapEvery,
		ReapAfter: 5 * time.Minute, MaxReaps: 2, Reporter: rep, StatusContext: "ofc",
		TargetURL: func(id int64) string { return "https://ofc.example/builds/" + strconv.FormatInt(id, 10) }})
	if err := j.reap(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(req.requeued) != 1 || req.requeued[0] != 1 {
		t.Errorf("requeued %v, want build 1 alone: 2 waits in the queue, 3 was reaped enough", req.requeued)
	}
	if b := st.builds[1]; b.State != pipeline.Queued || !strings.Contains(st.errors[1], "no builder heard from for 5m") {
		t.Errorf("build 1: %s %q", b.State, st.errors[1])
	}
	if b := st.builds[3]; b.State != pipeline.Error || !strings.Contains(st.errors[3], "after 2 hand-backs by the reaper: given up") {
		t.Errorf("build 3: %s %q", b.State, st.errors[3])
	}
	if len(rep.got) != 1 || rep.got[0].State != pipeline.StatusError || rep.got[0].Context != "ofc" ||
		rep.got[0].TargetURL != "https://ofc.example/builds/3" || !strings.Contains(rep.got[0].Description, "given up") {
		t.Errorf("reported %+v, want build 3's error on its commit", rep.got)
	}
	if st.builds[2].State != pipeline.Queued || st.builds[2].Reaped != 0 {
		t.Errorf("build 2 was touched: %+v", st.builds[2])
	}
}
