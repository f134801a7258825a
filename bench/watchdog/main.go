// Command watchdog measures the function watchdog (cmd/fwatchdog, built
// as it ships, CGO_ENABLED=0) on this machine, each figure beside its
// baseline in the same run and with the same client concurrency:
//
//  1. http mode: a small Go HTTP server (this binary, re-executed) called
//     through the watchdog, which starts it as its fprocess, against the
//     same server process called directly; once answering at once and
//     once after 2ms of waiting, as a function calling a database would;
//  2. fork mode: the serializing mode running `cat` per request against
//     the same `cat` executed directly by the load generator.
//
// Direct and watchdog measurements alternate over several rounds, so that
// other work on the machine weighs on both alike. It writes its figures
// to docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

func main() {
	// Re-executed as the http-mode function: see upstream.go.
	if len(os.Args) > 3 && os.Args[1] == upstreamRole {
		os.Exit(serveUpstream(os.Args[2], os.Args[3]))
	}
	benchdoc.Main(run)
}

// options are the command's flags.
type options struct {
	duration    time.Duration
	rounds      int
	concurrency int
	forkConc    int
	wait        time.Duration
	write       bool
	out         string
	// openfaas is a binary of OpenFaaS's own of-watchdog, measured beside
	// ours in http mode when given.
	openfaas string
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("watchdog", flag.ContinueOnError)
	var o options
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "length of each measurement in each round")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds; each measures every path once, alternating")
	fs.IntVar(&o.concurrency, "concurrency", 16, "clients of the http-mode measurements")
	fs.IntVar(&o.forkConc, "fork-concurrency", 4, "clients of the fork-mode measurements")
	fs.DurationVar(&o.wait, "wait", 2*time.Millisecond, "what the waiting function waits per request")
	fs.BoolVar(&o.write, "write", true, "rewrite the watchdog section of -out")
	fs.StringVar(&o.out, "out", "docs/benchmarks.md", "file whose watchdog section is rewritten")
	fs.StringVar(&o.openfaas, "openfaas", "", "a binary of OpenFaaS's of-watchdog, to measure beside ours in http mode (see the section)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.rounds < 1 || o.concurrency < 1 || o.forkConc < 1 || o.duration <= 0 {
		return o, fmt.Errorf("-rounds, -concurrency, -fork-concurrency and -duration must be positive")
	}
	return o, nil
}

func run(ctx context.Context, args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "bench-watchdog-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := buildWatchdog(ctx, dir)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}

	upPort, err := freePort()
	if err != nil {
		return err
	}
	pidFile := filepath.Join(dir, "upstream.pid")
	httpWD, err := startWatchdog(ctx, bin, dir, "http",
		"mode=http", "fprocess="+self+" "+upstreamRole+" "+upPort+" "+pidFile, "upstream_url=http://127.0.0.1:"+upPort)
	if err != nil {
		return err
	}
	defer httpWD.stop()
	forkWD, err := startWatchdog(ctx, bin, dir, "fork", "mode=serializing", "fprocess=cat")
	if err != nil {
		return err
	}
	defer forkWD.stop()
	upPID, err := readPID(pidFile)
	if err != nil {
		return err
	}
	procs := roles{
		roleClient: os.Getpid(), roleFunction: upPID,
		roleHTTPWatchdog: httpWD.cmd.Process.Pid, roleForkWatchdog: forkWD.cmd.Process.Pid,
	}

	direct := "http://127.0.0.1:" + upPort
	waitQuery := "/?wait=" + o.wait.String()
	paths := []path{
		{name: "direct", target: httpTarget(direct + "/"), conc: o.concurrency},
		{name: "watchdog", target: httpTarget(httpWD.url + "/"), conc: o.concurrency},
		{name: "direct-wait", target: httpTarget(direct + waitQuery), conc: o.concurrency},
		{name: "watchdog-wait", target: httpTarget(httpWD.url + waitQuery), conc: o.concurrency},
		{name: "exec", target: execTarget("cat"), conc: o.forkConc},
		{name: "fork", target: httpTarget(forkWD.url + "/"), conc: o.forkConc},
	}
	if o.openfaas != "" {
		extra, stop, err := openfaasPaths(ctx, o, dir, self, procs)
		if err != nil {
			return err
		}
		defer stop()
		paths = append(paths, extra...)
	}
	// Untimed: connections made, processes' pages faulted in.
	for _, p := range paths {
		if r := measure(ctx, p.target, p.conc, o.duration/3); r.errors > 0 && r.n == 0 {
			return fmt.Errorf("warm-up of %s: every request failed: %v", p.name, r.firstErr)
		}
	}
	results := map[string]*result{}
	for round := range o.rounds {
		for _, p := range paths {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, err := measureCPU(ctx, procs, p.target, p.conc, o.duration)
			if err != nil {
				return err
			}
			if results[p.name] == nil {
				results[p.name] = &result{}
			}
			results[p.name].add(r)
			fmt.Printf("round %d %-14s %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  errors %d\n",
				round+1, p.name, r.rps(), ms(r.summary().P50), ms(r.summary().P99), r.errors)
		}
	}
	rep := report{opts: o, host: benchdoc.ReadHost(), date: time.Now().UTC(), results: results}
	text := rep.render()
	fmt.Print(text)
	if !o.write {
		return nil
	}
	return section.Write(o.out, text)
}

// The processes whose CPU time is read, by role.
const (
	roleClient       = "client"
	roleFunction     = "function"
	roleHTTPWatchdog = "http watchdog"
	roleForkWatchdog = "fork watchdog"
	// OpenFaaS's of-watchdog and the function it starts, when measured.
	roleOpenFaaS         = "openfaas watchdog"
	roleOpenFaaSFunction = "openfaas function"
)

// readPID reads the pid the upstream wrote to path.
func readPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("upstream's pid: %w", err)
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// path is one way of serving a request that the bench measures.
type path struct {
	name   string
	target target
	conc   int
}
