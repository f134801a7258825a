package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
	"github.com/ofcbuild/ofc/buildkit"
)

// section is the part of docs/benchmarks.md this command rewrites.
const section benchdoc.Section = "templates"

// openFaaSNodeRebuild is the time OpenFaaS publishes for a rebuild of a
// node20 function: quoted beside ours, not a baseline, as it was measured
// on other machines.
const openFaaSNodeRebuild = 660 * time.Millisecond

// stats summarise one measure over the runs.
type stats struct {
	median, min, max time.Duration
}

func newStats(ds []time.Duration) stats {
	s := benchdoc.Sort(ds)
	return stats{median: s.Median(), min: s.Min(), max: s.Max()}
}

// stepTime is a step by its name and its median time over the runs.
type stepTime struct {
	name string
	took time.Duration
}

// row is one template's line in each table.
type row struct {
	lang                string
	cold, rebuild, noop stats
	base                string
	image, baseBytes    int64
	addedLayers         int
	sharesBase          bool
	// slowest are the rebuild's steps that ran, longest first.
	slowest []stepTime
	// ran and steps count the Dockerfile's instructions after FROM that
	// the last rebuild ran again, and all of them.
	ran, steps int
	err        error
}

// summary is every template's row, and the planning time of all builds.
type summary struct {
	rows []row
	plan stats
}

func summarise(results []result) summary {
	var s summary
	var plans []time.Duration
	for _, r := range results {
		w := row{lang: r.lang, err: r.err, base: r.base, sharesBase: r.sharesBase,
			image: r.image.bytes, baseBytes: r.baseWeight.bytes, addedLayers: len(r.image.layers) - len(r.baseWeight.layers)}
		total := func(bs []build) []time.Duration {
			var ds []time.Duration
			for _, b := range bs {
				ds = append(ds, b.total)
				plans = append(plans, b.plan)
			}
			return ds
		}
		w.cold, w.rebuild, w.noop = newStats(total(r.cold)), newStats(total(r.rebuild)), newStats(total(r.noop))
		w.slowest = slowest(r.rebuild, 3)
		if n := len(r.rebuild); n > 0 {
			w.ran, w.steps = instructionsRun(r.rebuild[n-1].steps)
		}
		s.rows = append(s.rows, w)
	}
	s.plan = newStats(plans)
	return s
}

// slowest are the n steps of bs that took longest at the median of the
// builds that ran them; cached steps take no time and are left out.
func slowest(bs []build, n int) []stepTime {
	byName := map[string][]time.Duration{}
	for _, b := range bs {
		for _, st := range b.steps {
			if !st.cached && st.took > 0 {
				byName[st.name] = append(byName[st.name], st.took)
			}
		}
	}
	var out []stepTime
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, stepTime{name: name, took: benchdoc.Sort(byName[name]).Median()})
	}
	slices.SortStableFunc(out, func(a, b stepTime) int { return cmp.Compare(b.took, a.took) })
	return out[:min(n, len(out))]
}

// render writes the markdown section, markers included.
func render(f facts, s summary, o options, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Templates: cold build, rebuild after a one-line change, image size\n\n", section.Begin())
	fmt.Fprintf(&b, "Measured %s with `make bench-templates` (`go run ./bench/templates -runs %d`, dev stack up).\n",
		now.UTC().Format("2006-01-02"), o.runs)
	fmt.Fprintf(&b, "Machine: %s; load average %s when the run began, %s when it ended; buildkitd %s.\n\n",
		f.host, f.loadStart, f.loadEnd, f.buildkitd)
	b.WriteString(method)
	fmt.Fprintf(&b, "Planning takes %s of each build at the median (%s to %s).\n\n", msf(s.plan.median), msf(s.plan.min), msf(s.plan.max))

	fmt.Fprintf(&b, "| %d runs, median (min–max) | cold build | rebuild after a one-line change | baseline: rebuild, nothing changed | change − baseline |\n", o.runs)
	b.WriteString("|---|---|---|---|---|\n")
	for _, r := range s.rows {
		if r.rebuild.median == 0 {
			fmt.Fprintf(&b, "| %s | failed | | | |\n", r.lang)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.lang, r.cold, r.rebuild, r.noop, secs(r.rebuild.median-r.noop.median))
	}
	for _, r := range s.rows {
		if r.err != nil {
			fmt.Fprintf(&b, "\n**%s failed**: %s\n", r.lang, cell(oneLine(r.err)))
		}
	}
	if i := slices.IndexFunc(s.rows, func(r row) bool { return r.lang == "node20" && r.rebuild.median > 0 }); i >= 0 {
		node := s.rows[i]
		fmt.Fprintf(&b, "\nFor reference, OpenFaaS publishes %s for a rebuild of a node20 function; here one takes %s at the median, "+
			"against %s for the baseline in the same run. The two were not measured on the same machine, registry or network, "+
			"so the comparison that holds is the one with the baseline.\n", secs(openFaaSNodeRebuild), secs(node.rebuild.median), secs(node.noop.median))
	}

	b.WriteString("\nImage size, compressed, as the manifests in the registry state it (the sum of the layers):\n\n")
	b.WriteString("| template | base image (the ship stage's FROM) | base | function's image | added by the template and handler |\n|---|---|---|---|---|\n")
	for _, r := range s.rows {
		if r.image == 0 {
			continue
		}
		added := fmt.Sprintf("%s in %d layers", mb(r.image-r.baseBytes), r.addedLayers)
		if !r.sharesBase {
			added += " (the image does not start with the base's layers)"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", r.lang, r.base, mb(r.baseBytes), mb(r.image), added)
	}
	fmt.Fprintf(&b, baseImagesNote, mb(f.watchdogBytes))

	b.WriteString("\nWhere a rebuild after a one-line change spends its time: the Dockerfile instructions it ran again (of those\n")
	b.WriteString("after the FROMs), and its slowest steps as BuildKit times them, at the median over the runs (steps overlap,\n")
	b.WriteString("and their times are rounded to 0.1 s, so they do not add up to the total):\n\n")
	b.WriteString("| template | instructions run again | slowest steps |\n|---|---|---|\n")
	for _, r := range s.rows {
		if len(r.slowest) == 0 {
			continue
		}
		var parts []string
		for _, st := range r.slowest {
			parts = append(parts, fmt.Sprintf("`%s` %s", cell(shortName(st.name)), secs(st.took)))
		}
		fmt.Fprintf(&b, "| %s | %d of %d | %s |\n", r.lang, r.ran, r.steps, strings.Join(parts, "; "))
	}
	b.WriteString("\n" + whatIsCold)
	fmt.Fprintf(&b, "%s\n", section.End())
	return b.String()
}

// method says what a build is and what each measure builds.
var method = `Each template has a function of its own, a repository with a stack.yml and a small handler written
as for OpenFaaS: golang-middleware and go with the standard library only, node20 with ` + "`is-number`" + ` from the
npm registry (` + "`npm install`" + ` through this machine's TLS proxy, its CA handed as the build secret
` + "`" + buildkit.CABundleSecret + "`" + `), the Python ones with an empty requirements.txt, as PyPI cannot be reached here. A build
is what the builder does for one function: ` + "`plan.Planner.Plan`" + ` (the stack file read, the template copied
with the handler into a build context, the service's watchdog in place of OpenFaaS's image), then
` + "`buildkit.Builder.Build`" + ` (the solve, and the push to the dev stack's registry), timed from the start of
planning to the pushed digest, one build at a time. Each run builds each template three times, in turn:
**cold**, a new version of the handler built with ` + "`buildkit.Config.NoCache`" + ` (the Dockerfile frontend's
` + "`no-cache`" + `, as ` + "`docker build --no-cache`" + `); **one-line change**, the handler's greeting constant changed,
built with the cache, as after an ordinary push; **baseline**, the same commit's content built again with
nothing changed, every step cached: what planning, BuildKit's cache lookups, the export and the push of an
image the registry already holds cost, the floor under any build.
`

// baseImagesNote says what the sizes are made of: the watchdog binary's
// uncompressed size.
const baseImagesNote = `
The base images are the ones the dev stack seeds (` + "`scripts/dev/seed-images.sh`" + ` builds them from Debian's
packages and this machine's Node.js and Go, as nothing is pulled from the internet here), so their sizes
are close to Docker Hub's, not equal. What a template adds includes the service's watchdog, a static
binary of %s uncompressed, in every image.
`

// whatIsCold says what the cold build does and does not start without.
const whatIsCold = `What is cold: BuildKit's layer cache. Every RUN, COPY and WORKDIR step of the template runs again, and
every new layer is compressed and pushed. What is not: the base images, which an untimed build of each
template without the layer cache, before the runs, left pulled and unpacked in BuildKit's store (pulled
from the local registry, which mirrors Docker Hub here, not from the internet); and the cache mounts the
templates declare, which keep their contents as they do on a builder that has built before: npm's cache
(` + "`npm install`" + ` still asks the registry for the package's metadata), and Go's module and build caches (the
handler and its main package are compiled again; the standard library comes compiled in the golang image).
A builder's very first build would add the base image's pull and the filling of those caches.
`

func (s stats) String() string {
	if s.median == 0 {
		return ""
	}
	return fmt.Sprintf("%s (%s–%s)", secs(s.median), strings.TrimSuffix(secs(s.min), " s"), secs(s.max))
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func msf(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// oneLine is an error's first and last lines: what failed and, for a
// build, the failed step's last output line.
func oneLine(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	if len(lines) == 1 {
		return lines[0]
	}
	return lines[0] + " … " + lines[len(lines)-1]
}

// cell escapes what would end a markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
