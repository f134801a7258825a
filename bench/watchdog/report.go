package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

// section is the part of docs/benchmarks.md this command rewrites.
const section benchdoc.Section = "watchdog"

// throughputGoal is the least share of the direct throughput the http mode
// should keep.
const throughputGoal = 0.8

// report is what the section states.
type report struct {
	opts    options
	host    benchdoc.Host
	date    time.Time
	results map[string]*result
}

// render writes the markdown section, markers included.
func (r report) render() string {
	o := r.opts
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Watchdog: http mode proxy and fork mode cost\n\n", section.Begin())
	fmt.Fprintf(&b, "Measured %s with `make bench-watchdog` (`go run ./bench/watchdog -duration %s -rounds %d -concurrency %d -fork-concurrency %d -wait %s`).\n",
		r.date.Format("2006-01-02"), o.duration, o.rounds, o.concurrency, o.forkConc, o.wait)
	fmt.Fprintf(&b, "Machine: %s.\n\n", r.host)
	b.WriteString("`cmd/fwatchdog` is built as it ships (`CGO_ENABLED=0`) and run with its defaults, its log going to a file.\n")
	b.WriteString("The load generator, the watchdog and the function are separate processes on this machine. Each path is\n")
	fmt.Fprintf(&b, "measured for %s in each of %d rounds, the paths alternating, so that other work on the machine weighs on\n", o.duration, o.rounds)
	fmt.Fprintf(&b, "all of them alike; clients call back to back (a closed loop), each request a POST of a %d-byte JSON body.\n", len(body))
	b.WriteString("CPU per request is each process's user and system time over the measurement (`/proc/<pid>/stat`, children\n")
	b.WriteString("included), divided by the requests answered.\n\n")

	fmt.Fprintf(&b, "### http mode: through the watchdog against the same function called directly (%d clients)\n\n", o.concurrency)
	b.WriteString("The function is a small Go HTTP server (this command, re-executed), which the watchdog starts as its\n")
	b.WriteString("fprocess; the direct path calls that same process on its own port.\n\n")
	b.WriteString("| path | throughput | p50 | p99 | CPU per request: client / watchdog / function | errors |\n|---|---|---|---|---|---|\n")
	direct, through := r.get("direct"), r.get("watchdog")
	directWait, throughWait := r.get("direct-wait"), r.get("watchdog-wait")
	r.httpRow(&b, "function answering at once, called directly", direct)
	r.httpRow(&b, "function answering at once, through the watchdog", through)
	r.httpRow(&b, fmt.Sprintf("function waiting %s, called directly", o.wait), directWait)
	r.httpRow(&b, fmt.Sprintf("function waiting %s, through the watchdog", o.wait), throughWait)
	ratio, ratioWait := through.rps()/nonZero(direct.rps()), throughWait.rps()/nonZero(directWait.rps())
	fmt.Fprintf(&b, "\nThroughput through the watchdog: **%.2f×** the direct path for a function answering at once, **%.2f×** for one waiting %s per request (goal: at least %.2f×; %s).\n",
		ratio, ratioWait, o.wait, throughputGoal, goalMet(ratio, ratioWait))
	fmt.Fprintf(&b, "The watchdog adds %.2f ms to the p50 (%.2f ms to the p99) of the function answering at once.\n\n",
		ms(through.summary().P50-direct.summary().P50), ms(through.summary().P99-direct.summary().P99))
	b.WriteString(r.httpMeaning(direct, through, ratio))
	r.openfaas(&b, through, throughWait)

	fmt.Fprintf(&b, "\n### Fork mode: a process per request against executing it directly (%d clients)\n\n", o.forkConc)
	b.WriteString("The serializing mode runs `cat` for each request (the body on its stdin, its stdout the answer); the\n")
	b.WriteString("baseline is the load generator executing the same `cat` with the same body itself, through `os/exec`.\n\n")
	b.WriteString("| path | throughput | p50 | p99 | CPU per request: client / watchdog (with `cat`) | errors |\n|---|---|---|---|---|---|\n")
	exec, fork := r.get("exec"), r.get("fork")
	r.forkRow(&b, "`cat` executed directly by the client", exec)
	r.forkRow(&b, "watchdog, `mode=serializing fprocess=cat`", fork)
	cpuExec := exec.cpuPerRequest(roleClient) + exec.cpuPerRequest(roleForkWatchdog)
	cpuFork := fork.cpuPerRequest(roleClient) + fork.cpuPerRequest(roleForkWatchdog)
	fmt.Fprintf(&b, "\nA request in fork mode costs %.2f ms more than executing the process directly at the p50 (%.2f ms against %.2f ms)"+
		" and %s more CPU (%s against %s, all processes); fork mode answers %.0f requests/s, %.2f× the direct executions and"+
		" %.3f× http mode through the watchdog (%.0f requests/s, with %d clients).\n",
		ms(fork.summary().P50-exec.summary().P50), ms(fork.summary().P50), ms(exec.summary().P50),
		us(cpuFork-cpuExec), us(cpuFork), us(cpuExec),
		fork.rps(), fork.rps()/nonZero(exec.rps()), fork.rps()/nonZero(through.rps()), through.rps(), o.concurrency)
	fmt.Fprintf(&b, "%s\n", section.End())
	return b.String()
}

// httpMeaning says what bounds the http-mode ratio, from the CPU figures.
func (r report) httpMeaning(direct, through result, ratio float64) string {
	c, u := direct.cpuPerRequest(roleClient), direct.cpuPerRequest(roleFunction)
	w := through.cpuPerRequest(roleHTTPWatchdog)
	if c+u == 0 || w == 0 {
		return ""
	}
	bound := float64(c+u) / float64(c+u+w)
	return fmt.Sprintf("For each request the watchdog is an HTTP server to the client and an HTTP client to the function,"+
		" so it reads and writes twice where the function does once: it uses %s of CPU per request where the function called"+
		" directly uses %s and the client %s. With the three processes sharing the machine's %d cores and a function that does"+
		" no work of its own, that bounds the throughput through the watchdog at about (client + function) / (client +"+
		" function + watchdog) = %.2f× the direct path, against %.2f× measured.\n",
		us(w), us(u), us(c), r.host.Cores, bound, ratio)
}

func (r report) httpRow(b *strings.Builder, name string, res result) {
	s := res.summary()
	fmt.Fprintf(b, "| %s | %.0f req/s | %.2f ms | %.2f ms | %s / %s / %s | %d |\n", name, res.rps(), ms(s.P50), ms(s.P99),
		us(res.cpuPerRequest(roleClient)), us(res.cpuPerRequest(roleHTTPWatchdog)), us(res.cpuPerRequest(roleFunction)), res.errors)
}

func (r report) forkRow(b *strings.Builder, name string, res result) {
	s := res.summary()
	fmt.Fprintf(b, "| %s | %.0f req/s | %.2f ms | %.2f ms | %s / %s | %d |\n", name, res.rps(), ms(s.P50), ms(s.P99),
		us(res.cpuPerRequest(roleClient)), us(res.cpuPerRequest(roleForkWatchdog)), res.errors)
}

// get is the named path's result, empty when it was not measured.
func (r report) get(name string) result {
	if res := r.results[name]; res != nil {
		return *res
	}
	return result{}
}

// goalMet says which of the two ratios meet the goal.
func goalMet(atOnce, waiting float64) string {
	switch {
	case atOnce >= throughputGoal && waiting >= throughputGoal:
		return "met for both"
	case waiting >= throughputGoal:
		return "met for the waiting function, not for the one answering at once"
	default:
		return "not met"
	}
}

func nonZero(f float64) float64 {
	if f == 0 {
		return 1
	}
	return f
}

// us formats a CPU time per request in microseconds.
func us(d time.Duration) string {
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// openfaas compares ours with OpenFaaS's of-watchdog, when it was measured.
func (r report) openfaas(b *strings.Builder, ours, oursWait result) {
	theirs, theirsWait := r.get("openfaas"), r.get("openfaas-wait")
	if theirs.n == 0 {
		return
	}
	b.WriteString("\n### http mode: ours against OpenFaaS's of-watchdog\n\n")
	b.WriteString("OpenFaaS's of-watchdog, built from its source with its vendored modules (`go build -mod=vendor`, `CGO_ENABLED=0`),\n")
	b.WriteString("run with the same settings in front of the same function, in the same rounds (`-openfaas <binary>`).\n\n")
	b.WriteString("| path | throughput | p50 | p99 | CPU per request: client / watchdog / function | errors |\n|---|---|---|---|---|---|\n")
	row := func(name string, res result, wd, fn string) {
		s := res.summary()
		fmt.Fprintf(b, "| %s | %.0f req/s | %.2f ms | %.2f ms | %s / %s / %s | %d |\n", name, res.rps(), ms(s.P50), ms(s.P99),
			us(res.cpuPerRequest(roleClient)), us(res.cpuPerRequest(wd)), us(res.cpuPerRequest(fn)), res.errors)
	}
	row("function answering at once, through ours", ours, roleHTTPWatchdog, roleFunction)
	row("function answering at once, through OpenFaaS's", theirs, roleOpenFaaS, roleOpenFaaSFunction)
	row(fmt.Sprintf("function waiting %s, through ours", r.opts.wait), oursWait, roleHTTPWatchdog, roleFunction)
	row(fmt.Sprintf("function waiting %s, through OpenFaaS's", r.opts.wait), theirsWait, roleOpenFaaS, roleOpenFaaSFunction)
	fmt.Fprintf(b, "\nOurs answers **%.2f×** the requests OpenFaaS's does for a function answering at once, **%.2f×** for one waiting %s.\n",
		ours.rps()/nonZero(theirs.rps()), oursWait.rps()/nonZero(theirsWait.rps()), r.opts.wait)
}
