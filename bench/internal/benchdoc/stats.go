package benchdoc

import (
	"slices"
	"time"
)

// Sorted is a series of measured durations in ascending order, from
// which the sections' figures are read.
type Sorted []time.Duration

// Sort returns a sorted copy of ds, leaving ds in the order it was
// measured in.
func Sort(ds []time.Duration) Sorted {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s
}

// Percentile is the nearest-rank pth percentile: the smallest measured
// duration that at least p% of the series do not exceed, ceil(p/100·n)th
// in order. Being a measured value, it means the same with a few runs as
// with many, where an interpolated one would invent a time nobody waited.
// Zero for an empty series.
func (s Sorted) Percentile(p int) time.Duration {
	if len(s) == 0 {
		return 0
	}
	rank := (p*len(s) + 99) / 100
	return s[max(rank, 1)-1]
}

// Median is the middle duration, or the mean of the two middle ones in
// an even series: the usual median, for tables of a few runs each, where
// a nearest-rank p50 would be the lower of the two. Zero for an empty
// series.
func (s Sorted) Median() time.Duration {
	n := len(s)
	switch {
	case n == 0:
		return 0
	case n%2 == 0:
		return (s[n/2-1] + s[n/2]) / 2
	default:
		return s[n/2]
	}
}

// Min is the shortest duration, zero for an empty series.
func (s Sorted) Min() time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[0]
}

// Max is the longest duration, zero for an empty series.
func (s Sorted) Max() time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1]
}

// Percentiles summarise a series the way a latency goal is stated: how
// many were measured and the nearest-rank p50, p95 and p99, with the
// longest.
type Percentiles struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

// Summarise returns ds's percentiles; all zero for an empty series.
func Summarise(ds []time.Duration) Percentiles {
	s := Sort(ds)
	return Percentiles{N: len(s), P50: s.Percentile(50), P95: s.Percentile(95), P99: s.Percentile(99), Max: s.Max()}
}

// Ratio is how many times as long a is as b, zero when b is, for the
// sentences that compare a figure with its baseline.
func Ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
