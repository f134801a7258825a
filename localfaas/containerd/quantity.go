package containerd

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// memorySuffixes are the units of a Kubernetes quantity, which is how
// OpenFaaS deployments write memory ("128Mi", "1G").
var memorySuffixes = []struct {
	suffix string
	factor float64
}{
	{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40},
	{"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12},
}

// memoryBytes reads a memory limit such as "128Mi", "1G" or "67108864".
func memoryBytes(s string) (uint64, error) {
	num, factor := s, 1.0
	for _, u := range memorySuffixes {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, factor = n, u.factor
			break
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	b := v * factor
	// 4 MiB is below what any function can start in; 1 PiB is a typo.
	if err != nil || math.IsNaN(b) || b < 4<<20 || b > 1<<50 {
		return 0, fmt.Errorf("memory limit %q: want a size such as 128Mi or 1G, at least 4Mi", s)
	}
	return uint64(b), nil
}

// cpuQuota reads a CPU limit as Kubernetes writes it ("500m", "0.5", "2")
// into a CFS quota per cpuPeriod.
func cpuQuota(s string) (int64, error) {
	var cores float64
	var err error
	if milli, ok := strings.CutSuffix(s, "m"); ok {
		var m int64
		m, err = strconv.ParseInt(milli, 10, 64)
		cores = float64(m) / 1000
	} else {
		cores, err = strconv.ParseFloat(s, 64)
	}
	if err != nil || math.IsNaN(cores) || cores < 0.01 || cores > 1024 {
		return 0, fmt.Errorf("cpu limit %q: want cores such as 0.5 or millicores such as 500m, at least 10m", s)
	}
	return int64(cores * cpuPeriod), nil
}
