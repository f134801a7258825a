package web

import (
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// minBarWidth keeps a stage of a few milliseconds (a reused image's
// retag) visible on a timeline of minutes, in percent.
const minBarWidth = 0.4

// timeline is the stages of a build's functions on one time axis, from
// the build's start to the end of its last stage: what the clone and the
// plan took is the room before the first bar.
type timeline struct {
	// Span is the axis's length, as the page says it.
	Span string
	Rows []timelineRow
}

// timelineRow is one function's stages.
type timelineRow struct {
	Function string
	Bars     []timelineBar
}

// timelineBar is one stage: where it starts on the axis and how much of
// it it spans, in percent.
type timelineBar struct {
	pipeline.StageTiming
	Left, Width float64
	Took        string
}

// newTimeline lays out the stages of b's functions; nil when none has
// any (a build of before the timings were kept, or one not yet built).
func newTimeline(b pipeline.Build) *timeline {
	var first, last time.Time
	for _, f := range b.Functions {
		for _, s := range f.Stages {
			if first.IsZero() || s.StartedAt.Before(first) {
				first = s.StartedAt
			}
			if s.FinishedAt.After(last) {
				last = s.FinishedAt
			}
		}
	}
	if first.IsZero() {
		return nil
	}
	// From the build's start, so that the room before the first bar is
	// the clone and the plan (and, for a build tried again, the attempts
	// before).
	if b.StartedAt != nil && b.StartedAt.Before(first) {
		first = *b.StartedAt
	}
	span := last.Sub(first)
	t := &timeline{Span: took(&first, &last, last)}
	for _, f := range b.Functions {
		if len(f.Stages) == 0 {
			continue
		}
		row := timelineRow{Function: f.Name}
		for _, s := range f.Stages {
			bar := timelineBar{StageTiming: s, Left: 0, Width: 100}
			start, end := s.StartedAt, s.FinishedAt
			if span > 0 {
				bar.Left = percent(start.Sub(first), span)
				bar.Width = max(percent(end.Sub(start), span), minBarWidth)
				bar.Left = min(bar.Left, 100-bar.Width)
			}
			bar.Took = took(&start, &end, end)
			row.Bars = append(row.Bars, bar)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// percent is d as a share of span, rounded to a hundredth of a percent.
func percent(d, span time.Duration) float64 {
	p := float64(d) / float64(span) * 100
	return float64(int64(p*100+0.5)) / 100
}
