package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/containerd/containerd/v2/client"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

// section is the part of docs/benchmarks.md this command rewrites.
const section benchdoc.Section = "localfaas"

// facts describe the machine the figures were measured on.
type facts struct {
	host       benchdoc.Host
	containerd string
}

// machineFacts reads the cores, CPU and kernel from the host and the
// version from the containerd the functions run on.
func machineFacts(ctx context.Context, containerdAddr string) (facts, error) {
	f := facts{host: benchdoc.ReadHost()}
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

// stats summarise one measurement over the runs.
type stats struct {
	median, p90, min, max time.Duration
}

// newStats summarises ds. With a few runs an even count is common, so the
// median is the mean of the middle two; the p90 is the nearest rank, one
// of the measured values.
func newStats(ds []time.Duration) stats {
	s := benchdoc.Sort(ds)
	return stats{median: s.Median(), p90: s.Percentile(90), min: s.Min(), max: s.Max()}
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
	fmt.Fprintf(&b, "%s\n## localfaas: deploy and update to first answer\n\n", section.Begin())
	fmt.Fprintf(&b, "Measured %s with `make bench-localfaas` (`go run ./bench/localfaas -runs %d`, dev stack up).\n",
		time.Now().UTC().Format("2006-01-02"), o.runs)
	fmt.Fprintf(&b, "Machine: %s; containerd %s.\n\n", f.host, f.containerd)
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
		benchdoc.Ratio(s.deployReady.median, s.bare.median), benchdoc.Ratio(s.updateReady.median, s.bare.median))
	b.WriteString(meaning(s))
	fmt.Fprintf(&b, "%s\n", section.End())
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
		msf(s.updateReady.median), benchdoc.Ratio(s.updateReady.median, s.deployReady.median),
		s.firstPollCreate, s.runs, s.firstPollUpdate, s.runs)
}

func msf(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
