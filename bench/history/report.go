package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

// section is the part of docs/benchmarks.md this command rewrites.
const section benchdoc.Section = "history"

// goalP99 is the acceptance goal: the API's p99 for a page of 50 builds.
const goalP99 = 20 * time.Millisecond

// The paths a listing is measured through.
const (
	layerAPI   = "GET /api/builds"
	layerStore = "store.ListBuilds"
)

// result is one series: a repository listed through one path, with or
// without the index.
type result struct {
	target  target
	layer   string
	indexed bool
	stats   benchdoc.Percentiles
}

func (r result) String() string {
	return fmt.Sprintf("%-45s %-17s %-13s n=%-5d p50 %9s p95 %9s p99 %9s max %9s",
		r.target, r.layer, indexWord(r.indexed), r.stats.N,
		msf(r.stats.P50), msf(r.stats.P95), msf(r.stats.P99), msf(r.stats.Max))
}

func indexWord(indexed bool) string {
	if indexed {
		return "with index"
	}
	return "without index"
}

// facts describe the machine and the database the figures were measured on.
type facts struct {
	host                    benchdoc.Host
	load                    string
	postgres, sharedBuffers string
	tableSize, indexSize    string
	// tail is the sizes of the repositories not measured.
	tail spread
}

// machineFacts reads the cores, CPU and kernel from the host, and from
// Postgres its version, its cache and the sizes of the builds table and
// of the index the listing walks (so it must run before the index is
// dropped).
func machineFacts(ctx context.Context, pool *pgxpool.Pool) (facts, error) {
	f := facts{host: benchdoc.ReadHost()}
	err := pool.QueryRow(ctx, `SELECT current_setting('server_version'), current_setting('shared_buffers'),
		pg_size_pretty(pg_table_size('builds')), pg_size_pretty(pg_relation_size('builds_repo_id_id_idx'))`).
		Scan(&f.postgres, &f.sharedBuffers, &f.tableSize, &f.indexSize)
	if err != nil {
		return f, fmt.Errorf("read postgres facts: %w", err)
	}
	return f, nil
}

// render writes the markdown section, markers included.
func render(f facts, rs []result, o options, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## History: a repository's latest 50 builds among 1,000,000\n\n", section.Begin())
	fmt.Fprintf(&b, "Measured %s with `make bench-history` (`go run ./bench/history -requests %d -warmup %d -baseline-requests %d`, dev stack up).\n",
		now.UTC().Format("2006-01-02"), o.requests, o.warmup, o.baselineRequests)
	fmt.Fprintf(&b, "Machine: %s; load average %s when the run began; PostgreSQL %s, shared_buffers %s.\n\n",
		f.host, f.load, f.postgres, f.sharedBuffers)
	b.WriteString("A fresh database holds 1,000 repositories and 1,000,000 builds made over a year, numbered in time order:\n")
	b.WriteString("one repository with 100,000 builds spread over the year, a quiet one whose 60 builds are all in the oldest\n")
	fmt.Fprintf(&b, "twentieth, and 998 with %s to %s builds each (median %s). Builds have kinds, branches, states, commit\n",
		thousands(f.tail.min), thousands(f.tail.max), thousands(f.tail.median))
	b.WriteString("messages, authors and the stored event, like the webhook's; the tables are vacuumed and analysed.\n")
	fmt.Fprintf(&b, "The builds table is %s; its `(repo_id, id DESC)` index, %s. The listing reads no function builds,\n", f.tableSize, f.indexSize)
	b.WriteString("so none are made.\n\n")
	b.WriteString("One client lists a repository's latest 50 builds, one request after the other, after untimed warm-up\n")
	b.WriteString("requests: through `GET /api/builds?owner=&repo=&limit=50` (the `api.ListBuilds` handler behind\n")
	b.WriteString("`net/http/httptest` on loopback; the time runs to the last byte of the JSON), and through\n")
	b.WriteString("`store.ListBuilds` alone. The baseline is the same handler and query in the same run after\n")
	b.WriteString("`DROP INDEX builds_repo_id_id_idx` and `ANALYZE`: what the index buys. Without it Postgres either walks\n")
	b.WriteString("the primary key back from the newest build until 50 of the repository's have turned up, which is\n")
	b.WriteString("quick for a busy repository and reads nearly the whole table for a quiet one, or reads the whole\n")
	b.WriteString("table and sorts.\n\n")
	b.WriteString("| repository | path | index | requests | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %d | %s | %s | %s | %s |\n", r.target, r.layer, indexWord(r.indexed),
			r.stats.N, msf(r.stats.P50), msf(r.stats.P95), msf(r.stats.P99), msf(r.stats.Max))
	}
	b.WriteString("\n" + verdict(rs) + section.End() + "\n")
	return b.String()
}

// verdict says whether the goal is met, by the worst API p99 with the
// index, and how many times longer each repository's p50 is without.
func verdict(rs []result) string {
	var worst result
	var ratios []string
	for _, r := range rs {
		if r.layer != layerAPI || !r.indexed {
			continue
		}
		if r.stats.P99 >= worst.stats.P99 {
			worst = r
		}
		for _, base := range rs {
			if base.layer == layerAPI && !base.indexed && base.target == r.target {
				ratios = append(ratios, fmt.Sprintf("%.1f× as long for the %s repository", benchdoc.Ratio(base.stats.P50, r.stats.P50), r.target.kind))
			}
		}
	}
	met := "met"
	if worst.stats.P99 > goalP99 {
		met = "not met"
	}
	s := fmt.Sprintf("Goal: p99 at most %s for the API listing; %s: the worst p99 is %s (%s repository).",
		msf(goalP99), met, msf(worst.stats.P99), worst.target.kind)
	if len(ratios) > 0 {
		s += " Without the index the p50 is " + strings.Join(ratios, ", ") + "."
	}
	return s + "\n"
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func msf(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}
