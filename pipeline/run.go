package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// run takes a claimed build from clone to its final state. A nil error
// means the final state is stored (success or failure); a Transient error
// means the build should be tried again; any other error means the store
// could not record the outcome.
func (r *Runner) run(ctx context.Context, log *slog.Logger, req BuildRequest) error {
	ev, id := req.Event, req.BuildID
	if ev.Kind == Cleanup {
		return r.cleanup(ctx, log, req)
	}
	log.Info("build started")
	r.report(ctx, log, ev, id, "", CommitStatus{
		Context: r.cfg.StatusContext, State: StatusPending,
		Description: "building " + ev.ShortCommit(), TargetURL: r.cfg.TargetURL(id),
	})

	dir, err := r.buildDir(id)
	if err != nil {
		return Transient(err)
	}
	defer os.RemoveAll(dir)
	src, work := filepath.Join(dir, "src"), filepath.Join(dir, "work")
	if err := mkdirs(src, work); err != nil {
		return Transient(fmt.Errorf("create build dirs: %w", err))
	}

	r.line(ctx, id, "", StepClone, fmt.Sprintf("fetching %s at %s", ev.Repo.FullName(), ev.Commit))
	start := time.Now()
	err = r.cfg.Source.Fetch(ctx, ev, src)
	r.clock(nil).done(StageClone, "", start, err)
	if err != nil {
		r.line(ctx, id, "", StepClone, "error: "+err.Error())
		if err := retryable(ctx, err); err != nil {
			return err
		}
		return r.finish(ctx, log, ev, id, Failure, StepClone, err.Error())
	}

	start = time.Now()
	plan, err := r.cfg.Planner.Plan(ctx, ev, src, work)
	r.clock(nil).done(StagePlan, "", start, err)
	if err != nil {
		r.line(ctx, id, "", StepStack, "error: "+err.Error())
		if err := retryable(ctx, err); err != nil {
			return err
		}
		return r.finish(ctx, log, ev, id, Failure, StepStack, err.Error())
	}
	for _, w := range plan.Warnings {
		r.line(ctx, id, "", StepStack, "warning: "+w)
	}
	r.line(ctx, id, "", StepStack, fmt.Sprintf("functions (%d): %s", len(plan.Functions), specNames(plan.Functions)))
	specs, err := r.onDemand(ctx, id, ev, plan.Functions)
	if err != nil {
		r.line(ctx, id, "", StepStack, "error: "+err.Error())
		return r.finish(ctx, log, ev, id, Failure, StepStack, err.Error())
	}

	fbs := make([]FunctionBuild, len(specs))
	for i, s := range specs {
		fb, err := r.cfg.Store.SaveFunctionBuild(ctx, FunctionBuild{
			BuildID: id, Name: s.Name, DeployName: s.DeployName, Image: s.Image, State: Queued, ContentHash: s.ContentHash,
		})
		if err != nil {
			return Transient(fmt.Errorf("record function %s: %w", s.Name, err))
		}
		fbs[i] = fb
		r.report(ctx, log, ev, id, s.Name, CommitStatus{
			Context: r.functionContext(s.Name), State: StatusPending,
			Description: "queued", TargetURL: r.cfg.TargetURL(id),
		})
	}

	lin := &lineage{history: r.cfg.History, ev: ev, dir: src, buildID: id}
	if r.notDeployed(ev) == "" {
		// While the images build, learn how this commit relates to what
		// the branch runs: the deploys then decide without waiting on
		// the forge. The clone must outlive the question.
		done := make(chan struct{})
		go func() { defer close(done); lin.prefetch(ctx, r.cfg.Deployments, id) }()
		defer func() { <-done }()
	}
	results := r.runFunctions(ctx, log, ev, lin, specs, fbs)
	if err := r.retireRemoved(ctx, log, ev, id, plan.Functions); err != nil {
		return err
	}
	if err := r.conclude(ctx, log, ev, id, results); err != nil {
		return err
	}
	r.comment(ctx, log, ev, r.previewComment(ev, id, results))
	return nil
}

// runFunctions builds and deploys every function at once, and returns
// each one's final record in the order of specs. Only their image builds
// wait for one another, for the runner's build slots: a function whose
// image is reused, or that is left running, need not wait behind a build.
func (r *Runner) runFunctions(ctx context.Context, log *slog.Logger, ev Event, lin *lineage, specs []FunctionSpec, fbs []FunctionBuild) []functionResult {
	results := make([]functionResult, len(specs))
	var wg sync.WaitGroup
	for i := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			flog := log.With("function", specs[i].Name)
			if specs[i].Problem != "" {
				results[i] = r.unplanned(ctx, flog, ev, specs[i], fbs[i])
				return
			}
			results[i] = r.runFunction(ctx, flog, ev, lin, specs[i], fbs[i])
		}()
	}
	wg.Wait()
	return results
}

// conclude stores the build's final state from its functions' results and
// reports the overall status.
func (r *Runner) conclude(ctx context.Context, log *slog.Logger, ev Event, id int64, results []functionResult) error {
	var failed []string
	var firstStep Step
	var msgs []string
	for _, res := range results {
		if sup := supersededBy(ctx, res.err); sup != nil {
			return sup
		}
		if res.err != nil && IsTransient(res.err) {
			return res.err
		}
		if res.storeErr != nil {
			return Transient(res.storeErr)
		}
		if res.fb.State != Success {
			if firstStep == "" {
				firstStep = res.fb.FailedStep
			}
			failed = append(failed, fmt.Sprintf("%s (%s)", res.fb.Name, res.fb.FailedStep))
			msgs = append(msgs, fmt.Sprintf("function %s: %s: %s", res.fb.Name, res.fb.FailedStep, res.fb.Error))
		}
	}
	if len(failed) == 0 {
		return r.finish(ctx, log, ev, id, Success, "", deployedCount(len(results)))
	}
	log.Info("functions failed", "failed", failed)
	return r.finishWith(ctx, log, ev, id, Failure, firstStep, strings.Join(msgs, "\n"),
		fmt.Sprintf("%d of %d functions failed: %s", len(failed), len(results), strings.Join(failed, ", ")))
}

// finish stores a final state and reports it on the overall context; msg
// is both the stored error (on failure) and the status description.
func (r *Runner) finish(ctx context.Context, log *slog.Logger, ev Event, id int64, st State, step Step, msg string) error {
	return r.finishWith(ctx, log, ev, id, st, step, msg, msg)
}

func (r *Runner) finishWith(ctx context.Context, log *slog.Logger, ev Event, id int64, st State, step Step, msg, desc string) error {
	msg, desc = r.cfg.Redact(msg), r.cfg.Redact(desc)
	stored := msg
	if st == Success {
		stored = ""
	}
	status := CommitStatus{
		Context: r.cfg.StatusContext, State: statusOf(st), Description: desc, TargetURL: r.cfg.TargetURL(id),
	}
	r.reporting(ctx, ev, id, "", status)
	// Readers take a final state to mean a complete log: store the lines
	// first.
	r.cfg.Logs.Flush(ctx, id, false)
	if err := r.cfg.Store.FinishBuild(ctx, id, st, step, stored); err != nil {
		return fmt.Errorf("store final state of build %d: %w", id, err)
	}
	r.cfg.Observer.BuildDone(ev.Kind, st)
	log.Info("build finished", "state", st, "step", step)
	r.report(ctx, log, ev, id, "", status)
	return nil
}

// report sets a commit status. A status the forge refused is said in the
// log of build id (function's stream, "" for the build's own), where the
// user looks when a check is missing: a token without the right scope, a
// forge that is down.
func (r *Runner) report(ctx context.Context, log *slog.Logger, ev Event, id int64, function string, st CommitStatus) {
	if ev.Kind == Cleanup {
		return // a cleanup has no commit to report on
	}
	st.Description, st.Log = r.cfg.Redact(st.Description), r.cfg.Redact(st.Log)
	if err := r.cfg.Reporter.Report(ctx, ev, st); err != nil {
		log.Warn("report commit status", "context", st.Context, "state", st.State, "err", err)
		r.line(ctx, id, function, StepReport, fmt.Sprintf("status %s (%s) not reported: %v", st.Context, st.State, err))
	}
}

// reporting says in the log which final status goes to the commit.
func (r *Runner) reporting(ctx context.Context, ev Event, id int64, function string, st CommitStatus) {
	if ev.Kind == Cleanup {
		return
	}
	r.line(ctx, id, function, StepReport, fmt.Sprintf("status %s: %s: %s", st.Context, st.State, st.Description))
}

func (r *Runner) line(ctx context.Context, id int64, function string, step Step, text string) {
	r.cfg.Logs.Line(ctx, id, function, step, text)
}

func (r *Runner) functionContext(name string) string { return r.cfg.StatusContext + "/" + name }

func statusOf(s State) StatusState {
	switch s {
	case Success:
		return StatusSuccess
	case Failure:
		return StatusFailure
	default:
		return StatusError
	}
}

func specNames(specs []FunctionSpec) string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func deployedCount(n int) string {
	if n == 1 {
		return "deployed 1 function"
	}
	return fmt.Sprintf("deployed %d functions", n)
}

// retryable is err as a Transient error when it may go away on another
// attempt: it says so itself, or ctx ended under it (the runner is
// stopping, and a killed tool's error is no verdict on the build); nil
// when err is the build's own result.
func retryable(ctx context.Context, err error) error {
	switch {
	case IsTransient(err):
		return err
	case ctx.Err() != nil:
		return Transient(fmt.Errorf("%w (%w)", err, context.Cause(ctx)))
	}
	return nil
}
