// Command failures runs the failure suite of test/ (builders killed, a
// builder stopped past its grace, Postgres, NATS and buildkitd restarted,
// the registry and the gateway down) against the dev stack and writes
// what each fault cost to docs/benchmarks.md: builds accepted and lost,
// duplicate deploys, and the time from the fault's end to the service
// building again. Each test prints one "FAULT <name> key=value..." line;
// this command gathers them.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

const section = benchdoc.Section("failures")

// suite selects the failure tests.
const suite = `^(TestOutage.*|TestBuildersKilledDuringFiftyBuildsLoseNothing|TestTheReaperFinishesABuildTheQueueGaveUpOn|TestABuilderStoppedPastItsGraceHandsItsBuildOn|TestABurstOfPushesDeploysOnlyTheNewest|TestALatePushOfAParentDoesNotRollProductionBack)$`

func main() { benchdoc.Main(run) }

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("failures", flag.ContinueOnError)
	out := fs.String("out", "docs/benchmarks.md", "file to write the results to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	host := benchdoc.ReadHost()
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "test", "./test/", "-run", suite, "-count=1", "-v", "-timeout", "60m")
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(&buf, benchdoc.Progress{W: os.Stdout, Tag: "FAULT"})
	cmd.Stderr = os.Stderr
	runErr := cmd.Run()
	faults := parse(buf.String())
	if len(faults) == 0 {
		return fmt.Errorf("the suite printed no FAULT line: %v", runErr)
	}
	if runErr != nil {
		return fmt.Errorf("the failure suite failed, results not written: %w", runErr)
	}
	text := render(faults, host, benchdoc.LoadAverage(), time.Since(start))
	fmt.Print(text)
	return section.Write(*out, text)
}

// fault is one FAULT line: its name and its figures.
type fault struct {
	name    string
	figures map[string]string
}

func parse(out string) []fault {
	var faults []fault
	for _, l := range benchdoc.ParseLines(out, "FAULT") {
		faults = append(faults, fault{name: l.Name, figures: l.Figures})
	}
	sort.Slice(faults, func(i, j int) bool { return faults[i].name < faults[j].name })
	return faults
}

func render(faults []fault, host benchdoc.Host, load string, took time.Duration) string {
	var b strings.Builder
	fmt.Fprintln(&b, section.Begin())
	fmt.Fprintln(&b, "## Failure suite: what each fault costs")
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "`make bench-failures` (`go run ./bench/failures`), on %s, load average %s before the run; the suite took %s.\n",
		host, load, took.Round(time.Second))
	fmt.Fprintln(&b, "Each test runs a fixed load against the real services and prints what it saw; \"recover\" is the time")
	fmt.Fprintln(&b, "from the end of the fault (the service back, the new builder started) to the first build it held")
	fmt.Fprintln(&b, "finishing, and \"lost\" counts builds answered 202 that never reached a final state.")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "| fault | accepted | lost | duplicate deploys | recover | other |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|")
	for _, f := range faults {
		var other []string
		keys := make([]string, 0, len(f.figures))
		for k := range f.figures {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch k {
			case "accepted", "lost", "duplicate_deploys", "recover":
			default:
				other = append(other, k+"="+f.figures[k])
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", f.name, dash(f.figures["accepted"]), dash(f.figures["lost"]),
			dash(f.figures["duplicate_deploys"]), dash(f.figures["recover"]), strings.Join(other, " "))
	}
	fmt.Fprintln(&b, section.End())
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
