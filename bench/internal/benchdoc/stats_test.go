package benchdoc

import (
	"testing"
	"time"
)

// ms is the durations from..to milliseconds, longest first, so that the
// functions must sort them.
func ms(from, to int) []time.Duration {
	var ds []time.Duration
	for i := to; i >= from; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	return ds
}

func TestSummarise(t *testing.T) {
	m := time.Millisecond
	tests := []struct {
		name string
		in   []time.Duration
		want Percentiles
	}{
		{"none", nil, Percentiles{}},
		{"one", ms(7, 7), Percentiles{1, 7 * m, 7 * m, 7 * m, 7 * m}},
		{"four: nearest rank, no averaging", ms(1, 4), Percentiles{4, 2 * m, 4 * m, 4 * m, 4 * m}},
		{"ten: p95 and p99 are the largest", ms(1, 10), Percentiles{10, 5 * m, 10 * m, 10 * m, 10 * m}},
		{"a hundred: each percentile is its rank", ms(1, 100), Percentiles{100, 50 * m, 95 * m, 99 * m, 100 * m}},
		{"nine hundred", ms(1, 900), Percentiles{900, 450 * m, 855 * m, 891 * m, 900 * m}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summarise(tt.in); got != tt.want {
				t.Errorf("Summarise = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSorted(t *testing.T) {
	m := time.Millisecond
	tests := []struct {
		name                           string
		in                             []time.Duration
		median, p90, shortest, longest time.Duration
	}{
		{"none", nil, 0, 0, 0, 0},
		{"one", ms(7, 7), 7 * m, 7 * m, 7 * m, 7 * m},
		{"even count averages the middle", []time.Duration{4 * m, 1 * m, 3 * m, 2 * m}, 2500 * time.Microsecond, 4 * m, m, 4 * m},
		{"fifteen runs: p90 is the 14th", ms(1, 15), 8 * m, 14 * m, m, 15 * m},
		{"ten runs: p90 is the 9th", ms(1, 10), 5500 * time.Microsecond, 9 * m, m, 10 * m},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Sort(tt.in)
			if got := s.Median(); got != tt.median {
				t.Errorf("Median = %s, want %s", got, tt.median)
			}
			if got := s.Percentile(90); got != tt.p90 {
				t.Errorf("Percentile(90) = %s, want %s", got, tt.p90)
			}
			if s.Min() != tt.shortest || s.Max() != tt.longest {
				t.Errorf("Min, Max = %s, %s, want %s, %s", s.Min(), s.Max(), tt.shortest, tt.longest)
			}
		})
	}
}

func TestSortKeepsTheMeasuredOrder(t *testing.T) {
	ds := ms(1, 3)
	Sort(ds)
	if ds[0] != 3*time.Millisecond {
		t.Errorf("Sort reordered its argument: %v", ds)
	}
}

func TestRatio(t *testing.T) {
	if got := Ratio(3*time.Millisecond, 2*time.Millisecond); got != 1.5 {
		t.Errorf("Ratio = %v, want 1.5", got)
	}
	if got := Ratio(time.Second, 0); got != 0 {
		t.Errorf("Ratio against zero = %v, want 0", got)
	}
}
