package pipeline

import "time"

// Stage names a span of a build's time, as the metrics and the build
// page show it. The build's own stages are queue, clone and plan; each
// function then has build (or reuse, or the resolve of a prebuilt
// image), push, deploy and ready.
type Stage string

// Stages, in the order a push goes through them.
const (
	// StageQueue is the wait from the push's receipt to a runner's claim.
	StageQueue Stage = "queue"
	StageClone Stage = "clone"
	StagePlan  Stage = "plan"
	// StageBuild is the image's build: BuildKit's solve up to its export
	// step, the look-up and retag of a reused image, or the resolve of a
	// prebuilt one.
	StageBuild Stage = "build"
	// StagePush is BuildKit's export step, as BuildKit timed it: layers
	// written and compressed, the manifest made and pushed. Absent when
	// the builder does not say it (the build stage then holds it).
	StagePush Stage = "push"
	// StageDeploy is the gateway's create-or-update with its conditional
	// record; StageReady the wait for the function to be ready.
	StageDeploy Stage = "deploy"
	StageReady  Stage = "ready"
)

// StageTiming is when one stage of a function ran, as the build page
// draws it.
type StageTiming struct {
	Stage      Stage     `json:"stage"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// How says which way the stage went: "built", "reused" or "prebuilt"
	// for build; "deployed", "unchanged" or "skipped" for deploy.
	How string `json:"how,omitempty"`
	// Failed says the function failed in this stage.
	Failed bool `json:"failed,omitempty"`
}

// Seconds is how long the stage took.
func (s StageTiming) Seconds() float64 { return s.FinishedAt.Sub(s.StartedAt).Seconds() }

// FunctionOutcome is how one function of a build ended, for counting.
type FunctionOutcome struct {
	State State
	// Image is "built", "reused" or "prebuilt"; "" when the function
	// failed before it had one.
	Image string
	// Deploy is "deployed", "unchanged" (the gateway ran it already),
	// "skipped" (not deployed: a tag, a fork, an older commit); "" when
	// the function failed before.
	Deploy string
}

// Observer learns where the time of builds goes, for metrics.
//
// The runner calls it from its own goroutines, on the path from a push
// to its answer, as each stage ends: an Observer must be safe for
// concurrent use and must not block or do I/O. A nil Observer in
// RunnerConfig means none.
type Observer interface {
	// StageDone says one stage took d; how is as StageTiming's, and ok
	// false when the stage failed.
	StageDone(stage Stage, how string, d time.Duration, ok bool)
	// FunctionDone says how a function ended, once its record is final.
	FunctionDone(o FunctionOutcome)
	// BuildDone says a build of kind reached final state st.
	BuildDone(kind EventKind, st State)
	// Live says a function answers, after its deploy, d after its push
	// was received.
	Live(d time.Duration)
}

// noObserver is the Observer of a runner given none.
type noObserver struct{}

func (noObserver) StageDone(Stage, string, time.Duration, bool) {}
func (noObserver) FunctionDone(FunctionOutcome)                 {}
func (noObserver) BuildDone(EventKind, State)                   {}
func (noObserver) Live(time.Duration)                           {}

// stageClock times the stages of one function (or of the build's own, fb
// nil), telling the Observer as each ends and keeping them on fb for the
// record. It belongs to the one goroutine running them.
type stageClock struct {
	obs Observer
	fb  *FunctionBuild
}

// done records stage from start until now.
func (c stageClock) done(stage Stage, how string, start time.Time, err error) {
	c.span(stage, how, start, time.Now().UTC(), err)
}

// span records stage from start to end.
func (c stageClock) span(stage Stage, how string, start, end time.Time, err error) {
	c.obs.StageDone(stage, how, end.Sub(start), err == nil)
	if c.fb != nil {
		c.fb.Stages = append(c.fb.Stages, StageTiming{
			Stage: stage, StartedAt: start.UTC(), FinishedAt: end.UTC(), How: how, Failed: err != nil,
		})
	}
}

// functionOutcome is how fb, final, ended; deployWhy is why a function
// that succeeded was not deployed ("" when it was).
func functionOutcome(spec FunctionSpec, fb FunctionBuild, deployWhy string) FunctionOutcome {
	o := FunctionOutcome{State: fb.State}
	switch {
	case spec.Prebuilt && fb.Digest != "":
		o.Image = "prebuilt"
	case fb.ReusedFrom != "":
		o.Image = "reused"
	case fb.Digest != "":
		o.Image = "built"
	}
	if fb.State != Success {
		return o
	}
	switch {
	case deployWhy != "":
		o.Deploy = "skipped"
	case fb.Unchanged:
		o.Deploy = "unchanged"
	default:
		o.Deploy = "deployed"
	}
	return o
}

// clock times stages for fb, or for the build itself when fb is nil.
func (r *Runner) clock(fb *FunctionBuild) stageClock { return stageClock{obs: r.cfg.Observer, fb: fb} }

// queued tells the Observer how long req waited for its first claim:
// from the push's receipt, which holds the webhook's own work too. A
// retry's wait is the retry delay, not the queue's, and is not told.
func (r *Runner) queued(req BuildRequest, d Delivery) {
	if n, _ := d.Attempt(); n > 1 || req.Event.ReceivedAt.IsZero() {
		return
	}
	r.cfg.Observer.StageDone(StageQueue, "", time.Since(req.Event.ReceivedAt), true)
}

// built records the build of an image that took from start until now,
// of which its push took pushed at the end (0: not known, all build).
func (c stageClock) built(start time.Time, pushed time.Duration, err error) {
	end := time.Now().UTC()
	if err != nil || pushed <= 0 || pushed >= end.Sub(start) {
		c.span(StageBuild, "built", start, end, err)
		return
	}
	c.span(StageBuild, "built", start, end.Add(-pushed), nil)
	c.span(StagePush, "", end.Add(-pushed), end, nil)
}

// deployHow is StageTiming.How of fb's deploy stage, why being what
// Deployments.Advance said.
func deployHow(fb FunctionBuild, why string) string {
	switch {
	case why != "":
		return "skipped"
	case fb.Unchanged:
		return "unchanged"
	}
	return "deployed"
}
