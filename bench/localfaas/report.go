package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/containerd/containerd/v2/client"
)

const (
	beginMark = "<!-- localfaas-bench:begin -->"
	endMark   = "<!-- localfaas-bench:end -->"
)

// facts describe the machine the figures were measured on.
type facts struct {
	cores      int
	cpu        string
	kernel     string
	containerd string
}

// machineFacts reads the cores, CPU and kernel from the host and the
// version from the containerd the functions run on.
func machineFacts(ctx context.Context, containerdAddr string) (facts, error) {
	f := facts{cores: runtime.NumCPU(), cpu: cpuModel(), kernel: "unknown"}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		f.kernel = strings.TrimSpace(string(b))
	}
	c, err := client.New(containerdAddr)
	if err != nil {
		return f, fmt.Errorf("connect to containerd at %s: %w", containerdAddr, err)
	}
	defer c.Close()
	v, err := c.Version(ctx)
	if err != nil {
		return f, fmt.Errorf("containerd version at %s: %w", containerdAddr, err)
	}
	f.containerd = v.Version
	return f, nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// stats summarise one measurement over the runs.
type stats struct {
	median, p90, min, max time.Duration
}

// newStats summarises ds; the p90 is the nearest rank, so with few runs
// it is one of the measured values.
func newStats(ds []time.Duration) stats {
	if len(ds) == 0 {
		return stats{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	median := s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	rank := (9*n + 9) / 10 // ceil(0.9 n)
	return stats{median: median, p90: s[rank-1], min: s[0], max: s[n-1]}
}

// summary is every measurement's stats.
type summary struct {
	runs                    int
	deployCall, deployReady stats
	updateCall, updateReady stats
	bare                    stats
	// firstPollCreate and firstPollUpdate count the runs whose first GET
	// after the call returned already had the new answer.
	firstPollCreate, firstPollUpdate int
}

func summarise(samples []sample) summary {
	col := func(f func(sample) time.Duration) stats {
		ds := make([]time.Duration, len(samples))
		for i, s := range samples {
			ds[i] = f(s)
		}
		return newStats(ds)
	}
	sum := summary{
		runs:        len(samples),
		deployCall:  col(func(s sample) time.Duration { return s.deployCall }),
		deployReady: col(func(s sample) time.Duration { return s.deployReady }),
		updateCall:  col(func(s sample) time.Duration { return s.updateCall }),
		updateReady: col(func(s sample) time.Duration { return s.updateReady }),
		bare:        col(func(s sample) time.Duration { return s.bare }),
	}
	for _, s := range samples {
		if s.deployPolls == 1 {
			sum.firstPollCreate++
		}
		if s.updatePolls == 1 {
			sum.firstPollUpdate++
		}
	}
	return sum
}

// render writes the markdown section, markers included.
func render(f facts, s summary, o options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## localfaas: deploy and update to first answer\n\n", beginMark)
	fmt.Fprintf(&b, "Measured %s with `make bench-localfaas` (`go run ./bench/localfaas -runs %d`, dev stack up).\n",
		time.Now().UTC().Format("2006-01-02"), o.runs)
	cpu := ""
	if f.cpu != "" {
		cpu = ", " + f.cpu
	}
	fmt.Fprintf(&b, "Machine: %d cores%s; Linux %s; containerd %s.\n\n", f.cores, cpu, f.kernel, f.containerd)
	b.WriteString("Each run creates a new function (`bench-<random>-<i>`) from image v1 with the gateway client the\n")
	b.WriteString("builder uses (`deploy.Client.Deploy`: an update first, a create on its 404, as faas-cli does), updates it\n")
	b.WriteString("to image v2 (another answer), deletes it, and then starts the same server, `/bin/busybox httpd`\n")
	b.WriteString("serving the same files, as a bare process on this host.\n")
	b.WriteString("Both images were pushed and deployed once, untimed, before the runs, so containerd had pulled them:\n")
	b.WriteString("the figures are about starting containers, not pulling. Times run from the start of the request;\n")
	fmt.Fprintf(&b, "`GET /function/<name>` through the gateway (and the bare server's `/_/health`) is polled every %s.\n\n", o.poll)
	fmt.Fprintf(&b, "| %d runs | median | p90 | min | max |\n|---|---|---|---|---|\n", s.runs)
	row := func(name string, st stats) {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, msf(st.median), msf(st.p90), msf(st.min), msf(st.max))
	}
	row("create: deploy call returned", s.deployCall)
	row("create: first good answer (deploy-to-ready)", s.deployReady)
	row("update: deploy call returned", s.updateCall)
	row("update: first good answer (update-to-ready)", s.updateReady)
	row("bare process: exec to `/_/health` 200", s.bare)
	fmt.Fprintf(&b, "\nDeploy-to-ready is %.1f× the bare process, update-to-ready %.1f× (medians).\n\n",
		ratio(s.deployReady.median, s.bare.median), ratio(s.updateReady.median, s.bare.median))
	b.WriteString(meaning(s))
	fmt.Fprintf(&b, "%s\n", endMark)
	return b.String()
}

// meaning is the two sentences that say what the figures mean.
func meaning(s summary) string {
	overhead := s.deployReady.median - s.bare.median
	return fmt.Sprintf("A new function serves %s after its deploy request against %s for the bare server, "+
		"so about %s of it is the runtime's own work (the gateway request, the container and its snapshot, "+
		"the CNI bridge, health probing), not the server's start. "+
		"An update is ready in %s (%.1f× a create, as it too starts a whole container before switching traffic), "+
		"and the call's return means the function serves: the first GET after it had the new answer in %d of %d creates and %d of %d updates.\n",
		msf(s.deployReady.median), msf(s.bare.median), msf(overhead),
		msf(s.updateReady.median), ratio(s.updateReady.median, s.deployReady.median),
		s.firstPollCreate, s.runs, s.firstPollUpdate, s.runs)
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func msf(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// writeSection puts section into the file at path in place of its old
// localfaas section, or at its end, keeping everything else.
func writeSection(path, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(replaceSection(string(old), section)), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// replaceSection returns text with section in place of the one between
// the markers, or appended after a blank line when there is none.
func replaceSection(text, section string) string {
	i := strings.Index(text, beginMark)
	j := strings.Index(text, endMark)
	if i >= 0 && j > i {
		rest := strings.TrimPrefix(text[j+len(endMark):], "\n")
		return text[:i] + section + rest
	}
	if text == "" {
		return "# Benchmarks\n\n" + section
	}
	return strings.TrimRight(text, "\n") + "\n\n" + section
}
