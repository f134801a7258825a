// Package metrics is the builder's Prometheus metrics: where the time of
// a push goes, stage by stage, and how builds and functions end. It
// implements pipeline.Observer, so that the pipeline itself knows nothing
// of Prometheus.
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ofcbuild/ofc/pipeline"
)

// Stage and push-to-live buckets, in seconds: from a reused image's
// retag (tens of milliseconds) to a cold build of a large stack.
var (
	stageBuckets = prometheus.ExponentialBuckets(0.025, 2, 16) // 25ms .. ~14m
	liveBuckets  = prometheus.ExponentialBuckets(0.25, 2, 13)  // 250ms .. ~17m
)

// Builder holds the builder's metrics. Its methods only update
// in-memory series: they never block, and are safe for concurrent use,
// as pipeline.Observer asks.
type Builder struct {
	stages    *prometheus.HistogramVec
	live      prometheus.Histogram
	builds    *prometheus.CounterVec
	functions *prometheus.CounterVec
}

var _ pipeline.Observer = (*Builder)(nil)

// New registers the builder's metrics on reg.
func New(reg prometheus.Registerer) *Builder {
	m := &Builder{
		stages: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ofc_builder_stage_duration_seconds",
			Help: "How long each stage took: queue (receipt to claim), clone, plan, build, push, deploy, ready. " +
				"how says which way it went (build: built, reused, prebuilt; deploy: deployed, unchanged, skipped); " +
				"result is ok or failed.",
			Buckets: stageBuckets,
		}, []string{"stage", "how", "result"}),
		live: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ofc_builder_push_to_live_seconds",
			Help:    "From a push's receipt by the webhook to a function of it answering after its deploy, per function deployed.",
			Buckets: liveBuckets,
		}),
		builds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ofc_builder_builds_total",
			Help: "Builds that reached a final state, by event kind and state.",
		}, []string{"kind", "state"}),
		functions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ofc_builder_functions_total",
			Help: "Functions of builds by final state, how their image came to be (built, reused, prebuilt, none) " +
				"and whether they were deployed (deployed, unchanged, skipped, none).",
		}, []string{"state", "image", "deploy"}),
	}
	reg.MustRegister(m.stages, m.live, m.builds, m.functions)
	return m
}

// StageDone observes one stage's duration.
func (m *Builder) StageDone(stage pipeline.Stage, how string, d time.Duration, ok bool) {
	result := "ok"
	if !ok {
		result = "failed"
	}
	m.stages.WithLabelValues(string(stage), how, result).Observe(d.Seconds())
}

// FunctionDone counts one function by its outcome.
func (m *Builder) FunctionDone(o pipeline.FunctionOutcome) {
	m.functions.WithLabelValues(string(o.State), orNone(o.Image), orNone(o.Deploy)).Inc()
}

// BuildDone counts one build by its final state.
func (m *Builder) BuildDone(kind pipeline.EventKind, st pipeline.State) {
	m.builds.WithLabelValues(string(kind), string(st)).Inc()
}

// Live observes one function's push-to-live time.
func (m *Builder) Live(d time.Duration) { m.live.Observe(d.Seconds()) }

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
