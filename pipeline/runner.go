package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"
)

// RunnerConfig holds what a Runner needs. Every interface must be set.
type RunnerConfig struct {
	Store  BuildStore
	Source Source
	// History tells, before a deploy, whether the build's commit moves
	// production forward.
	History  History
	Planner  Planner
	Builder  ImageBuilder
	Deployer Deployer
	Reporter Reporter
	Logs     LogSink
	Logger   *slog.Logger
	// Deployments records what runs; Remover removes previews and their
	// images when their branch goes.
	Deployments Deployments
	Remover     Remover
	// Commenter, when set, keeps a comment on each pull request listing
	// its previews; FunctionURL gives the URL a function is called at
	// (default: its name).
	Commenter   Commenter
	FunctionURL func(deployName string) string
	// ForkPreviews are the repositories (or owners, for all theirs) whose
	// pull requests from forks deploy previews, with the functions'
	// secrets; those of any other repository are built, not deployed.
	ForkPreviews Namespaces
	// Secrets holds the repositories' build secrets; nil means none are
	// configured, and a function that asks for one fails to build.
	Secrets SecretSource
	// Images resolves the images of prebuilt functions, which are
	// deployed without a build; nil fails such functions, saying so.
	Images ImageResolver
	// Built and Retagger find and name again the image an earlier build
	// made of the same content, which a function then reuses rather than
	// build; with either nil every function is built.
	Built    ImageHistory
	Retagger Retagger
	// Cache saves the build cache of the functions built, once they are
	// live; nil saves none beyond the builder's own.
	Cache CacheExporter
	// Observer learns how long each stage took and how builds and
	// functions ended, for metrics; nil means none.
	Observer Observer

	// WorkDir is where builds check out and prepare their contexts; each
	// build gets its own directory, removed when it ends.
	WorkDir string
	// BuildSlots bounds the image builds of all the builds the runner
	// works on at once, and so of each one (2 when 0); a freed slot goes
	// to the build holding the fewest, so a large stack does not starve a
	// small push beside it.
	BuildSlots int
	// ClaimTimeout is how long a running build may go unheard before
	// another runner takes it over; the runner tells the queue and the
	// store it is alive four times as often. The queue's ack wait is
	// chosen with it (see queue.Config.AckWait), so that a delivery the
	// queue makes after a runner died finds the claim stale.
	ClaimTimeout time.Duration
	// SettleTimeout bounds the end of an attempt (the log flushed, the
	// state stored or the build handed back, the delivery settled), which
	// runs on a context of its own that shutdown does not cancel.
	SettleTimeout time.Duration
	// ReadyTimeout bounds the wait for a deployed function to be ready.
	ReadyTimeout time.Duration
	// BuildTimeout bounds each function's image build (30m when 0); a
	// build past it fails the function at step build, as the user's
	// failure.
	BuildTimeout time.Duration
	// RetryDelay is how long the first transient failure of a build waits
	// before redelivery; each next one waits twice as long as the one
	// before, up to MaxRetryDelay, so that the attempts of a build span
	// an outage of our own services rather than being spent in it.
	RetryDelay    time.Duration
	MaxRetryDelay time.Duration
	// StatusContext prefixes commit status contexts: "ofc" for the build,
	// "ofc/<function>" for each function.
	StatusContext string
	// TargetURL gives the link a commit status carries for a build.
	TargetURL func(buildID int64) string
	// Redact masks the secrets in text the runner shows outside the log:
	// errors it stores, statuses and comments. The LogSink masks the
	// log's lines. Nil shows text as it is.
	Redact func(text string) string
}

// Runner takes build requests through clone, plan, build, deploy and
// report. It is safe for concurrent use: builders may run several.
type Runner struct {
	cfg RunnerConfig
	// slots bound the image builds of every build this runner works on
	// at once, shared fairly among them.
	slots *fairSlots
}

// NewRunner checks cfg, fills its defaults and returns a Runner.
func NewRunner(cfg RunnerConfig) (*Runner, error) {
	if cfg.Store == nil || cfg.Source == nil || cfg.History == nil || cfg.Planner == nil || cfg.Builder == nil ||
		cfg.Deployer == nil || cfg.Reporter == nil || cfg.Logs == nil || cfg.Deployments == nil || cfg.Remover == nil {
		return nil, errors.New("pipeline: runner needs a store, source, history, planner, builder, deployer, reporter, log sink, deployments and remover")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.WorkDir == "" {
		cfg.WorkDir = os.TempDir()
	}
	if cfg.BuildSlots < 1 {
		cfg.BuildSlots = 2
	}
	if cfg.ClaimTimeout <= 0 {
		cfg.ClaimTimeout = time.Minute
	}
	if cfg.SettleTimeout <= 0 {
		cfg.SettleTimeout = 30 * time.Second
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 2 * time.Minute
	}
	if cfg.BuildTimeout <= 0 {
		cfg.BuildTimeout = 30 * time.Minute
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = 10 * time.Second
	}
	if cfg.MaxRetryDelay < cfg.RetryDelay {
		cfg.MaxRetryDelay = max(cfg.RetryDelay, 2*time.Minute)
	}
	if cfg.StatusContext == "" {
		cfg.StatusContext = "ofc"
	}
	if cfg.FunctionURL == nil {
		cfg.FunctionURL = func(name string) string { return name }
	}
	if cfg.Observer == nil {
		cfg.Observer = noObserver{}
	}
	if cfg.Redact == nil {
		cfg.Redact = func(s string) string { return s }
	}
	if cfg.TargetURL == nil {
		cfg.TargetURL = func(int64) string { return "" }
	}
	return &Runner{cfg: cfg, slots: newFairSlots(cfg.BuildSlots)}, nil
}

// Handle runs the build of one delivery and settles the delivery: Ack once
// the build's final state is stored (or when it was already final), Nak
// after a transient failure while attempts remain, Nak until later when
// another runner holds the build, Term when attempts are spent.
func (r *Runner) Handle(ctx context.Context, d Delivery) {
	req := d.Request()
	log := r.cfg.Logger.With("build_id", req.BuildID, "repo", req.Event.Repo.FullName(),
		"commit", req.Event.ShortCommit(), "delivery", req.Event.DeliveryID)

	claim, err := r.cfg.Store.ClaimBuild(ctx, req.BuildID, r.cfg.ClaimTimeout)
	switch {
	case err != nil:
		log.Error("claim build", "err", err)
		r.settle(ctx, log, func(ctx context.Context) error { return d.Nak(ctx, r.cfg.RetryDelay) })
		return
	case claim.Final:
		log.Info("build is final; dropping duplicate delivery")
		if claim.SupersededBy != "" {
			r.reportSuperseded(ctx, log, req, &SupersededError{By: claim.SupersededBy})
		}
		r.settle(ctx, log, d.Ack)
		return
	case !claim.Won:
		// Acked away, this delivery would leave the build to a runner
		// that may have died: it comes back once that runner's claim
		// would be stale, and takes the build over if it is.
		delay := claim.HeldFor + r.heartbeatEvery()
		log.Info("build is running elsewhere; delivery delayed", "delay", delay)
		r.settle(ctx, log, func(ctx context.Context) error { return d.Nak(ctx, delay) })
		return
	}

	r.queued(req, d)
	// A newer push cancels the run with the SupersededError as cause.
	runCtx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	stop := r.heartbeat(runCtx, log, req.BuildID, d, cancelRun)
	err = r.run(runCtx, log, req)
	stop()
	if sup := supersededBy(runCtx, err); sup != nil {
		err = sup
	}
	r.endAttempt(ctx, log, d, req, err)
}

// endAttempt ends an attempt in one place, whatever ended it: the log is
// flushed, the final state stored or the build handed back to the queue,
// and the delivery settled. It runs on a context of its own, which the
// shutdown that may have cut the attempt short does not cancel.
func (r *Runner) endAttempt(parent context.Context, log *slog.Logger, d Delivery, req BuildRequest, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), r.cfg.SettleTimeout)
	defer cancel()
	if err != nil && parent.Err() != nil && !errors.As(err, new(*SupersededError)) {
		// Stopped, not failed: whatever the error says, the build is not
		// the user's to blame and another runner may finish it.
		err = Transient(fmt.Errorf("stopped: %w", err))
	}
	n, max := d.Attempt()
	var sup *SupersededError
	switch {
	case errors.As(err, &sup):
		log.Info("build superseded by a newer push", "by", sup.By)
		r.reportSuperseded(ctx, log, req, sup)
		if ferr := r.cfg.Store.FinishBuild(ctx, req.BuildID, Superseded, "", sup.Error()); ferr != nil {
			log.Error("store final state", "err", ferr)
		} else {
			r.cfg.Observer.BuildDone(req.Event.Kind, Superseded)
		}
		r.cfg.Logs.Flush(ctx, req.BuildID, true)
		r.settle(ctx, log, d.Ack)
	case err == nil:
		r.cfg.Logs.Flush(ctx, req.BuildID, true)
		r.settle(ctx, log, d.Ack)
	case IsTransient(err) && n < max:
		log.Warn("transient failure; build goes back to the queue", "err", err, "attempt", n, "max", max)
		if rerr := r.cfg.Store.RequeueBuild(ctx, req.BuildID, err.Error()); rerr != nil {
			log.Error("requeue build", "err", rerr)
		}
		r.cfg.Logs.Flush(ctx, req.BuildID, false)
		delay := r.retryDelay(n)
		log.Info("delivery delayed", "delay", delay)
		r.settle(ctx, log, func(ctx context.Context) error { return d.Nak(ctx, delay) })
	default:
		// Out of attempts, or the store itself failed at the end: record
		// what can be recorded and take the request off the queue.
		log.Error("build could not finish", "err", err, "attempt", n, "max", max)
		if ferr := r.finish(ctx, log, req.Event, req.BuildID, Error, "", fmt.Sprintf("gave up after %d attempts: %v", n, err)); ferr != nil {
			log.Error("store final state", "err", ferr)
		}
		r.cfg.Logs.Flush(ctx, req.BuildID, true)
		r.settle(ctx, log, func(ctx context.Context) error { return d.Term(ctx, err.Error()) })
	}
}

// settle tells the queue how a delivery ended, logging a failure to: the
// queue then redelivers it, and the claim in the store makes that
// harmless.
func (r *Runner) settle(ctx context.Context, log *slog.Logger, how func(context.Context) error) {
	if err := how(ctx); err != nil {
		log.Error("settle delivery with the queue", "err", err)
	}
}

// retryDelay is the wait after attempt n's transient failure: RetryDelay
// doubled for each attempt before it, at most MaxRetryDelay.
func (r *Runner) retryDelay(n int) time.Duration {
	d := r.cfg.RetryDelay
	for i := 1; i < n && d < r.cfg.MaxRetryDelay; i++ {
		d *= 2
	}
	return min(d, r.cfg.MaxRetryDelay)
}

// heartbeatEvery is how often a running build says it is alive: four
// times within the claim timeout, so that one lost heartbeat loses no
// claim.
func (r *Runner) heartbeatEvery() time.Duration { return r.cfg.ClaimTimeout / 4 }

// heartbeat keeps the queue from redelivering and the store from declaring
// the build stale while it runs. The returned func stops it.
func (r *Runner) heartbeat(ctx context.Context, log *slog.Logger, id int64, d Delivery, cancelRun context.CancelCauseFunc) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(r.heartbeatEvery())
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := d.InProgress(ctx); err != nil && ctx.Err() == nil {
					log.Warn("tell queue build is in progress", "err", err)
				}
				err := r.cfg.Store.Heartbeat(ctx, id)
				var sup *SupersededError
				switch {
				case errors.As(err, &sup):
					log.Info("a newer push supersedes the build: stopping it", "by", sup.By)
					cancelRun(sup)
					return
				case err != nil && ctx.Err() == nil:
					log.Warn("store heartbeat", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// buildDir is a fresh directory for one attempt of one build.
func (r *Runner) buildDir(id int64) (string, error) {
	if err := os.MkdirAll(r.cfg.WorkDir, 0o755); err != nil {
		return "", fmt.Errorf("create work dir: %w", err)
	}
	dir, err := os.MkdirTemp(r.cfg.WorkDir, "build-"+strconv.FormatInt(id, 10)+"-")
	if err != nil {
		return "", fmt.Errorf("create build dir: %w", err)
	}
	return dir, nil
}

func mkdirs(dirs ...string) error {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}
