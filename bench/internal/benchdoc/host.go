package benchdoc

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Host is the machine a run measured on. Every section states it, since
// figures from another machine, or the same one under another kernel,
// are not comparable.
type Host struct {
	Cores int
	// CPU is the model name, empty where /proc/cpuinfo does not say.
	CPU    string
	Kernel string
}

// ReadHost reads the host's cores, CPU model and kernel release. What it
// cannot read it leaves unknown rather than failing: the figures are
// still worth having.
func ReadHost() Host {
	h := Host{Cores: runtime.NumCPU(), Kernel: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		h.CPU = cpuModel(string(b))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		h.Kernel = strings.TrimSpace(string(b))
	}
	return h
}

// String is the machine as the sections' "Machine:" line starts it:
// "8 cores, <model>; Linux <release>".
func (h Host) String() string {
	cpu := ""
	if h.CPU != "" {
		cpu = ", " + h.CPU
	}
	return fmt.Sprintf("%d cores%s; Linux %s", h.Cores, cpu, h.Kernel)
}

// cpuModel is the first "model name" in cpuinfo, the text of
// /proc/cpuinfo; every core of the machines measured on has the same.
func cpuModel(cpuinfo string) string {
	for line := range strings.Lines(cpuinfo) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// LoadAverage is the host's load over the last minute, "unknown" where
// /proc does not say. Latencies on a few cores move with whatever else
// runs, so a report says how quiet the machine was.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	load, _, _ := strings.Cut(string(b), " ")
	return load
}
