// Package janitor runs the scheduled jobs that all builders share. Every
// builder runs the same schedule; at each scheduled time they all try to
// claim the run in the database, and only the one that wins does the work,
// so N builders do each run once.
package janitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ofcbuild/ofc/pipeline"
)

// JobStalePreviews is the name under which the stale-preview job's runs
// are claimed.
const JobStalePreviews = "stale-previews"

// Claimer decides which builder runs a job at a scheduled time. Safe for
// concurrent use, from any number of processes.
type Claimer interface {
	// ClaimRun records that by runs job at its scheduled time at. It
	// returns true for exactly one caller per (job, at), and for none while
	// an earlier run of job is still going; false, with no error, means
	// the run is another's or is skipped. After an error the run is left
	// to whoever claimed it.
	ClaimRun(ctx context.Context, job string, at time.Time, by string) (bool, error)
	// FinishRun records that the claimed run ended, with failure "" when
	// it did everything it found to do.
	FinishRun(ctx context.Context, job string, at time.Time, failure string) error
}

// Previews is what the stale-preview job needs of the deployment
// records. Safe for concurrent use.
type Previews interface {
	// StalePreviews lists the live previews, of every repository, deployed
	// before olderThan and whose branch has had no push since.
	StalePreviews(ctx context.Context, olderThan time.Time) ([]pipeline.Deployed, error)
	// MarkRemoved records that name was removed, and why; id is the build
	// that removed it, 0 for none, as here.
	MarkRemoved(ctx context.Context, name string, id int64, why string) error
	// PrunableImages lists the images pushed by builds of branch in the
	// repository of build id whose digest no live deployment runs.
	PrunableImages(ctx context.Context, id int64, branch string) ([]pipeline.PrunableImage, error)
}

// Config is what a Janitor works with.
type Config struct {
	Claimer  Claimer
	Previews Previews
	Remover  pipeline.Remover
	Logs     Logs
	// Schedule says when the jobs run, in UTC unless it names a zone. An
	// @every schedule is counted from the zero time rather than from the
	// process's start. Both keep builders that run in other zones, or were
	// started apart, at the same times, so that they share runs.
	Schedule cron.Schedule
	// TTL is how long a preview lives without a push; 0 disables the
	// stale-preview job.
	TTL time.Duration
	// LogMaxAge is how long after its build ended a log is kept; 0 keeps
	// it whatever its age.
	LogMaxAge time.Duration
	// LogKeepBuilds is how many of each repository's latest builds keep
	// their logs whatever their age; 0 is no limit. A log goes when either
	// rule says so; with both 0 the log-retention job is disabled.
	LogKeepBuilds int
	// Builds and Requests are the records and the queue of the builds the
	// reaper looks after, on ReapSchedule: a build unfinished and not
	// heard from for ReapAfter, whose request is not waiting in the
	// queue, goes back to the queue, at most MaxReaps times; then it ends
	// as an error. ReapAfter 0 disables the reaper.
	Builds       QuietBuilds
	Requests     Requests
	ReapSchedule cron.Schedule
	ReapAfter    time.Duration
	MaxReaps     int
	// Reporter, when set, says on the commit of a build the reaper gives
	// up on that it ended as an error, on StatusContext, linking
	// TargetURL(build id).
	Reporter      pipeline.Reporter
	StatusContext string
	TargetURL     func(buildID int64) string
	// Branches, Heads, Events and Queue are what the reconciler compares
	// and builds with, on ReconcileSchedule, for the branches built
	// within ReconcileWindow; 0 disables it.
	Branches          BuiltBranches
	Heads             BranchHeads
	Events            pipeline.EventRecorder
	Queue             pipeline.Publisher
	ReconcileSchedule cron.Schedule
	ReconcileWindow   time.Duration
	// Name is this builder's, recorded on the runs it claims.
	Name string
	// Now is the clock staleness and the age of logs are measured by; nil
	// is time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Janitor runs the shared jobs of one builder. Make it with New.
type Janitor struct {
	cfg Config
	log *slog.Logger
	// running holds a *sync.Mutex per job, which keeps one run of the job
	// at a time in this process: a run that outlasts the interval makes
	// the job's next scheduled time pass by here, not the other jobs'.
	running sync.Map
}

// New checks cfg and returns a Janitor.
func New(cfg Config) (*Janitor, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.TTL > 0 && (cfg.Claimer == nil || cfg.Previews == nil || cfg.Remover == nil || cfg.Schedule == nil) {
		return nil, errors.New("janitor: Claimer, Previews, Remover and Schedule are required")
	}
	if cfg.LogMaxAge < 0 || cfg.LogKeepBuilds < 0 {
		return nil, fmt.Errorf("janitor: log retention of %v and %d builds: neither may be negative", cfg.LogMaxAge, cfg.LogKeepBuilds)
	}
	if retainsLogs(cfg) && (cfg.Claimer == nil || cfg.Logs == nil || cfg.Schedule == nil) {
		return nil, errors.New("janitor: Claimer, Logs and Schedule are required")
	}
	if cfg.ReapAfter > 0 && (cfg.Claimer == nil || cfg.Builds == nil || cfg.Requests == nil || cfg.ReapSchedule == nil) {
		return nil, errors.New("janitor: Claimer, Builds, Requests and ReapSchedule are required to reap")
	}
	if cfg.ReconcileWindow > 0 && (cfg.Claimer == nil || cfg.Branches == nil || cfg.Heads == nil ||
		cfg.Events == nil || cfg.Queue == nil || cfg.ReconcileSchedule == nil) {
		return nil, errors.New("janitor: Claimer, Branches, Heads, Events, Queue and ReconcileSchedule are required to reconcile")
	}
	return &Janitor{cfg: cfg, log: cfg.Logger}, nil
}

// job is a scheduled job: the name its runs are claimed under, and the
// run.
type job struct {
	name string
	run  func(context.Context) error
	// sched is when it runs; nil is Config.Schedule.
	sched cron.Schedule
}

// jobs are the jobs cfg enables, each announced in the log, with what
// turns it on when it is off.
func (j *Janitor) jobs() []job {
	var jobs []job
	next := aligned(j.cfg.Schedule)
	if j.cfg.TTL > 0 {
		jobs = append(jobs, job{name: JobStalePreviews, run: j.removeStale})
		j.log.Info("stale previews are removed on schedule", "job", JobStalePreviews,
			"ttl", j.cfg.TTL, "next", next.Next(time.Now().UTC()))
	} else {
		j.log.Info("stale previews are kept: their time to live is 0", "job", JobStalePreviews)
	}
	if retainsLogs(j.cfg) {
		jobs = append(jobs, job{name: JobLogRetention, run: j.removeLogs})
		j.log.Info("build logs are removed on schedule", "job", JobLogRetention,
			"max_age", j.cfg.LogMaxAge, "keep_builds", j.cfg.LogKeepBuilds, "next", next.Next(time.Now().UTC()))
	} else {
		j.log.Info("build logs are kept: neither a maximum age nor a number of builds is set", "job", JobLogRetention)
	}
	if j.cfg.ReapAfter > 0 {
		jobs = append(jobs, job{name: JobReap, run: j.reap, sched: j.cfg.ReapSchedule})
		j.log.Info("quiet builds are reaped on schedule", "job", JobReap, "after", j.cfg.ReapAfter,
			"max_reaps", j.cfg.MaxReaps, "next", aligned(j.cfg.ReapSchedule).Next(time.Now().UTC()))
	} else {
		j.log.Info("quiet builds are not reaped: OFC_REAP_AFTER is 0", "job", JobReap)
	}
	if j.cfg.ReconcileWindow > 0 {
		jobs = append(jobs, job{name: JobReconcile, run: j.reconcile, sched: j.cfg.ReconcileSchedule})
		j.log.Info("branch heads are compared with the builds on schedule", "job", JobReconcile,
			"window", j.cfg.ReconcileWindow, "next", aligned(j.cfg.ReconcileSchedule).Next(time.Now().UTC()))
	} else {
		j.log.Info("branch heads are not reconciled: OFC_RECONCILE_WINDOW is 0", "job", JobReconcile)
	}
	return jobs
}

// Run runs the jobs on their schedule until ctx ends, then waits for the
// runs in progress, which see ctx end too, and returns nil. Failures are
// logged and recorded on the run, never returned: what a failed run left
// is found again by the next. With no job enabled, Run returns at once.
func (j *Janitor) Run(ctx context.Context) error {
	jobs := j.jobs()
	if len(jobs) == 0 {
		return nil
	}
	logger := cronLogger{j.log}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(logger), cron.WithChain(cron.Recover(logger)))
	for _, jb := range jobs {
		// Each job tracks its own schedule: cron asks each entry's for
		// the next time, and due must tell the time that woke this one.
		every := jb.sched
		if every == nil {
			every = j.cfg.Schedule
		}
		sched := &tracked{Schedule: aligned(every)}
		c.Schedule(sched, cron.FuncJob(func() {
			j.runOnce(ctx, jb.name, sched.due(time.Now()), jb.run)
		}))
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// finishTimeout bounds the recording of a run's end, which is done even
// when the run was cut short by ctx ending.
const finishTimeout = 10 * time.Second

// runOnce claims the run of job scheduled at at and, if this builder won
// it, runs it and records how it ended.
func (j *Janitor) runOnce(ctx context.Context, job string, at time.Time, run func(context.Context) error) {
	// Builders woken a moment apart must name the run alike.
	at = at.UTC().Truncate(time.Second)
	log := j.log.With("job", job, "scheduled_at", at)
	running, _ := j.running.LoadOrStore(job, new(sync.Mutex))
	if !running.(*sync.Mutex).TryLock() {
		log.Warn("the previous run is still going: this one is skipped")
		return
	}
	defer running.(*sync.Mutex).Unlock()

	won, err := j.cfg.Claimer.ClaimRun(ctx, job, at, j.cfg.Name)
	if err != nil {
		log.Error("could not claim the run", "err", err)
		return
	}
	if !won {
		log.Debug("the run is another builder's, or one is still going")
		return
	}
	start := time.Now()
	failure := ""
	if err := guarded(ctx, run); err != nil {
		failure = err.Error()
		log.Error("run failed: what it left waits for the next", "err", err, "took", time.Since(start))
	} else {
		log.Debug("run finished", "took", time.Since(start))
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := j.cfg.Claimer.FinishRun(fctx, job, at, failure); err != nil {
		log.Error("could not record the end of the run", "err", err)
	}
}

// guarded turns a panic of run into an error, so that the run is still
// recorded as ended: an unfinished run holds the job up.
func guarded(ctx context.Context, run func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return run(ctx)
}

// cronLogger hands cron's own messages to slog: its chatter at debug
// level, a recovered panic as an error.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
