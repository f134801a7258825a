package main

import (
	"testing"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

func TestVerdict(t *testing.T) {
	large, quiet := target{kind: "large", owner: "acme", name: "platform", builds: 100000}, target{kind: "quiet", owner: "acme", name: "status-page", builds: 60}
	series := func(tg target, layer string, indexed bool, p50, p99 int) result {
		return result{target: tg, layer: layer, indexed: indexed,
			stats: benchdoc.Percentiles{N: 100, P50: time.Duration(p50) * time.Millisecond, P99: time.Duration(p99) * time.Millisecond}}
	}
	tests := []struct {
		name string
		in   []result
		want string
	}{
		{"met, with the baseline's ratios", []result{
			series(large, layerAPI, true, 2, 5),
			series(quiet, layerAPI, true, 2, 8),
			series(large, layerStore, true, 1, 30), // the store's p99 is not the goal's
			series(large, layerAPI, false, 6, 9),
			series(quiet, layerAPI, false, 300, 400),
		}, "Goal: p99 at most 20.00 ms for the API listing; met: the worst p99 is 8.00 ms (quiet repository). " +
			"Without the index the p50 is 3.0× as long for the large repository, 150.0× as long for the quiet repository.\n"},
		{"not met", []result{series(large, layerAPI, true, 10, 21)},
			"Goal: p99 at most 20.00 ms for the API listing; not met: the worst p99 is 21.00 ms (large repository).\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verdict(tt.in); got != tt.want {
				t.Errorf("verdict:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 60: "60", 632: "632", 1000: "1,000", 28570: "28,570", 1000000: "1,000,000", -4200: "-4,200"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
