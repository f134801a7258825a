package test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/faults"
	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// The benchmarks of building only what changed, each a ratio of two
// things measured in the same run. `make bench-push` runs them and
// writes docs/benchmarks.md; each prints BENCH lines:
//
//	BENCH <name> runs=<n> p50=<s> p90=<s> base=<what> base_p50=<s> base_p90=<s> ratio=<p50/base_p50>
//
// Runs alternate between the two sides, so that a machine busy for a while
// slows both.

// benchRuns is how many measured runs each side gets, after one warm-up.
func benchRuns() int {
	if n := os.Getenv("OFC_BENCH_RUNS"); n != "" {
		var v int
		if _, err := fmt.Sscan(n, &v); err == nil && v > 0 {
			return v
		}
	}
	return 5
}

// pushBench is one repository of the benchmark on the dev stack.
type pushBench struct {
	b     *testing.B
	sys   *system
	owner string
	repo  *gittest.Repo
	name  string
	head  string
}

func newPushBench(b *testing.B, sys *system, name string) *pushBench {
	owner := "bench-" + randomID()
	removeFunctionsAtEnd(b, sys.svc, owner)
	return &pushBench{b: b, sys: sys, owner: owner, name: name, repo: gittest.NewServer(b).NewRepo(owner, name, "main")}
}

// push commits files and delivers the push; it returns when the webhook
// took it, with the build's id.
func (p *pushBench) push(message string, files map[string]string) int64 {
	p.b.Helper()
	sha := p.repo.Commit("main", message, files)
	r := p.sys.push(fixture.Push{Owner: p.owner, Repo: p.name, CloneURL: p.repo.CloneURL,
		DefaultBranch: "main", Branch: "main", Before: p.head, After: sha}, "delivery-"+randomID())
	if r.Code != 202 {
		p.b.Fatalf("push answered %d", r.Code)
	}
	p.head = sha
	return r.BuildID
}

// answers waits until function fn answers body at /index.html.
func (p *pushBench) answers(fn, body string) {
	p.b.Helper()
	name := plan.DeployName(p.owner, p.name, "", fn)
	waitAnswer(p.b, p.sys.svc.GatewayURL+"/function/"+name+"/index.html", body)
}

// waitAnswer polls url every 20ms until it answers 200 with body.
func waitAnswer(b testing.TB, url, body string) {
	b.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(buildWithin)
	for time.Now().Before(deadline) {
		if res, err := client.Get(url); err == nil {
			got := make([]byte, 256)
			n, _ := res.Body.Read(got)
			res.Body.Close()
			if res.StatusCode == 200 && string(got[:n]) == body {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatalf("%s did not answer %q within %s", url, body, buildWithin)
}

// site is a function serving index.html with busybox httpd.
func site(files map[string]string, fn, page, slowStep string) {
	files[fn+"/Dockerfile"] = "FROM busybox:latest\n" + slowStep +
		"COPY index.html /www/index.html\nRUN mkdir -p /www/_ && echo ok > /www/_/health\nEXPOSE 8080\n" +
		`CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]` + "\n"
	files[fn+"/index.html"] = page
}

// goServer is a function written in Go: a small server compiled in the
// build, as a dockerfile function of a Go team is, answering msg.
func goServer(files map[string]string, fn, msg string) {
	files[fn+"/Dockerfile"] = `FROM golang:1.26 AS build
WORKDIR /src
COPY main.go .
RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /server main.go
FROM busybox:latest
COPY --from=build /server /server
EXPOSE 8080
CMD ["/server"]
`
	files[fn+"/main.go"] = fmt.Sprintf(`package main

import (
	"fmt"
	"net/http"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, %q) })
	http.ListenAndServe(":8080", nil)
}
`, msg)
}

func stackOf(fns ...string) string {
	var s strings.Builder
	s.WriteString("functions:\n")
	for _, fn := range fns {
		fmt.Fprintf(&s, "  %s:\n    lang: dockerfile\n    handler: ./%s\n", fn, fn)
	}
	return s.String()
}

// report prints one BENCH line.
func report(name string, got []time.Duration, base string, baseline []time.Duration) {
	p50, p90 := percentile(got, 50), percentile(got, 90)
	b50, b90 := percentile(baseline, 50), percentile(baseline, 90)
	fmt.Printf("BENCH %s runs=%d p50=%.3f p90=%.3f base=%s base_p50=%.3f base_p90=%.3f ratio=%.3f\n",
		name, len(got), p50.Seconds(), p90.Seconds(), base, b50.Seconds(), b90.Seconds(), p50.Seconds()/b50.Seconds())
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	i := (len(s)*p + 99) / 100
	return s[max(i-1, 0)]
}

// BenchmarkPushToLive: a one-function push, warm, from the delivery to the
// new answer, against the raw tools doing the same (buildctl build with
// push of the same context, the gateway's deploy, the first answer); a
// ten-function stack where one changed against the one-function push; a
// push that changes nothing against the one-function push.
func BenchmarkPushToLive(b *testing.B) {
	svc := requireServices(b)
	deploys := newDeployCounter(b, svc.GatewayURL)
	metricsAddr := freePort(b)
	sys := newSystemWith(b, 1, "OFC_GATEWAY_URL="+deploys.URL, "OFC_BUILDER_METRICS_ADDR="+metricsAddr)
	runs := benchRuns()

	one := newPushBench(b, sys, "one")
	ten := newPushBench(b, sys, "ten")
	names := []string{"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"}
	oneFiles := func(page string) map[string]string {
		f := map[string]string{"stack.yml": stackOf("f0")}
		goServer(f, "f0", page)
		return f
	}
	tenFiles := func(page string) map[string]string {
		f := map[string]string{"stack.yml": stackOf(names...)}
		for _, fn := range names {
			goServer(f, fn, fn+" v1\n")
		}
		goServer(f, "f0", page)
		return f
	}
	raw := newRawTools(b, svc)

	var ofc, rawRuns, tenRuns, noop []time.Duration
	for i := range runs + 1 {
		// Each side compiles a change of its own: the same source would be
		// a hit in BuildKit's cache for whichever came second.
		page := fmt.Sprintf("v%d %s\n", i, randomID())
		rawPage := fmt.Sprintf("v%d %s\n", i, randomID())
		tenPage := fmt.Sprintf("v%d %s\n", i, randomID())

		start := time.Now()
		one.push("change", oneFiles(page))
		one.answers("f0", page)
		oneTook := time.Since(start)

		rawTook := raw.run(oneFiles(rawPage), rawPage)

		start = time.Now()
		ten.push("change one of ten", tenFiles(tenPage))
		ten.answers("f0", tenPage)
		tenTook := time.Since(start)

		readme := tenFiles(tenPage)
		readme["README.md"] = page
		start = time.Now()
		id := ten.push("docs only", readme)
		// Asked every 20ms: what it measures is shorter than a second.
		if b := sys.waitFinalEvery(id, buildWithin, 20*time.Millisecond); b.State != pipeline.Success {
			sys.t.Fatalf("docs-only build: %s %s", b.State, b.Error)
		}
		noopTook := time.Since(start)

		if i == 0 {
			continue // warm-up: the first build of each is cold
		}
		ofc, rawRuns, tenRuns, noop = append(ofc, oneTook), append(rawRuns, rawTook), append(tenRuns, tenTook), append(noop, noopTook)
	}
	report("one-function", ofc, "raw-tools", rawRuns)
	report("ten-one-changed", tenRuns, "one-function", ofc)
	report("nothing-changed", noop, "one-function", ofc)
	var redeployed int
	for _, fn := range names[1:] {
		redeployed += deploys.of(plan.DeployName(ten.owner, "ten", "", fn)) - 1
	}
	fmt.Printf("BENCH ten-one-changed-unchanged-redeploys count=%d\n", redeployed)
	printStages(b, metricsAddr)
}

// printStages prints the mean of each stage the builder's /metrics
// measured, over every function of the benchmark's builds.
func printStages(b testing.TB, addr string) {
	sum, count := map[string]float64{}, map[string]float64{}
	stage := regexp.MustCompile(`^ofc_builder_stage_duration_seconds_(sum|count)\{.*stage="([a-z]+)".*\}$`)
	for series, v := range scrapeMetrics(b, addr) {
		if m := stage.FindStringSubmatch(series); m != nil {
			if m[1] == "sum" {
				sum[m[2]] += v
			} else {
				count[m[2]] += v
			}
		}
		if strings.HasPrefix(series, "ofc_builder_push_to_live_seconds_") {
			k := strings.TrimPrefix(series, "ofc_builder_push_to_live_seconds_")
			if k == "sum" || k == "count" {
				if k == "sum" {
					sum["push-to-live"] += v
				} else {
					count["push-to-live"] += v
				}
			}
		}
	}
	var line strings.Builder
	line.WriteString("BENCH stages")
	for _, st := range []string{"queue", "clone", "plan", "build", "push", "deploy", "ready", "push-to-live"} {
		if count[st] > 0 {
			fmt.Fprintf(&line, " %s=%.3f/%d", st, sum[st]/count[st], int(count[st]))
		}
	}
	fmt.Println(line.String())
}

// rawTools builds and deploys a context as an operator would by hand.
type rawTools struct {
	b        *testing.B
	svc      services
	buildctl string
	dir      string
	name     string
	n        int
}

func newRawTools(b *testing.B, svc services) *rawTools {
	bin := filepath.Join(moduleRoot(), ".dev", "bin", "buildctl")
	if _, err := os.Stat(bin); err != nil {
		b.Fatalf("buildctl is not built: make up builds it into .dev/bin: %v", err)
	}
	r := &rawTools{b: b, svc: svc, buildctl: bin, dir: b.TempDir(), name: "bench-raw-" + randomID()}
	b.Cleanup(func() { _ = gatewayClient(b, svc).Delete(context.Background(), r.name) })
	return r
}

// run builds files' f0 with buildctl, pushes it, deploys it through the
// gateway by digest and waits for its new answer.
func (r *rawTools) run(files map[string]string, page string) time.Duration {
	r.b.Helper()
	r.n++
	for name, content := range files {
		if fn, rest, ok := strings.Cut(name, "/"); ok && fn == "f0" {
			if err := os.WriteFile(filepath.Join(r.dir, rest), []byte(content), 0o644); err != nil {
				r.b.Fatal(err)
			}
		}
	}
	ref := fmt.Sprintf("%s/bench/raw/%s:%d", r.svc.Registry, r.name, r.n)
	meta := filepath.Join(r.dir, "..", fmt.Sprintf("meta-%d.json", r.n))
	start := time.Now()
	out, err := exec.Command(r.buildctl, "--addr", r.svc.BuildKitAddr, "build", "--frontend", "dockerfile.v0",
		"--local", "context="+r.dir, "--local", "dockerfile="+r.dir,
		"--output", "type=image,name="+ref+",push=true,registry.insecure=true", "--metadata-file", meta).CombinedOutput()
	if err != nil {
		r.b.Fatalf("buildctl: %v\n%s", err, out)
	}
	digest := readDigest(r.b, meta)
	spec := pipeline.FunctionSpec{Name: r.name, DeployName: r.name}
	if err := gatewayClient(r.b, r.svc).Deploy(context.Background(), spec, pipeline.RepositoryOf(ref)+"@"+digest); err != nil {
		r.b.Fatal(err)
	}
	waitAnswer(r.b, r.svc.GatewayURL+"/function/"+r.name+"/index.html", page)
	return time.Since(start)
}

// BenchmarkColdParallel: ten functions, none cached, built by a builder
// that builds them all at once against one that builds one at a time.
// Their slow step waits, as downloading dependencies does.
func BenchmarkColdParallel(b *testing.B) {
	requireServices(b)
	runs := max(benchRuns()/2, 2)
	names := []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"}
	measure := func(parallelism int) []time.Duration {
		sys := newSystemWith(b, 1, fmt.Sprintf("OFC_BUILD_PARALLELISM=%d", parallelism), "OFC_BUILD_CACHE=off")
		p := newPushBench(b, sys, fmt.Sprintf("cold%d", parallelism))
		var took []time.Duration
		for range runs {
			nonce := randomID()
			files := map[string]string{"stack.yml": stackOf(names...)}
			for _, fn := range names {
				// Each function's own step: identical ones would be one.
				site(files, fn, fn+" "+nonce+"\n", "RUN sleep 2 && echo "+fn+nonce+" > /nonce\n")
			}
			start := time.Now()
			p.push("cold", files)
			for _, fn := range names {
				p.answers(fn, fn+" "+nonce+"\n")
			}
			took = append(took, time.Since(start))
		}
		return took
	}
	parallel := measure(len(names))
	serial := measure(1)
	report("ten-cold-parallel", parallel, "ten-cold-serial", serial)
}

// BenchmarkCacheAfterWipe: a changed function built by a builder whose
// buildkitd was wiped, with the registry's cache against without any.
func BenchmarkCacheAfterWipe(b *testing.B) {
	svc := requireServices(b)
	bin := filepath.Join(moduleRoot(), ".dev", "bin", "buildkitd")
	runs := max(benchRuns()/2, 2)
	measure := func(cache string) []time.Duration {
		bk, err := faults.StartBuildKit(b, faults.BuildKitConfig{Bin: bin, Mirror: svc.Registry})
		if err != nil {
			b.Fatal(err)
		}
		sys := newSystemWith(b, 1, "OFC_BUILDKIT_ADDR="+bk.Addr(), "OFC_BUILD_CACHE="+cache)
		p := newPushBench(b, sys, "wiped-"+cache)
		slow := "RUN echo installing dependencies && sleep 5 && echo deps > /deps\n"
		files := func(page string) map[string]string {
			f := map[string]string{"stack.yml": stackOf("w")}
			site(f, "w", page, slow)
			return f
		}
		first := "first " + randomID() + "\n"
		// Waited to its end: the cache is exported once the function is
		// live, and the wipe must not cut that short.
		if b := sys.waitFinal(p.push("first", files(first)), buildWithin); b.State != pipeline.Success {
			sys.t.Fatalf("first build: %s %s", b.State, b.Error)
		}
		var took []time.Duration
		for range runs {
			if err := bk.Wipe(); err != nil {
				b.Fatal(err)
			}
			if err := bk.Start(); err != nil {
				b.Fatal(err)
			}
			page := "changed " + randomID() + "\n"
			start := time.Now()
			id := p.push("change", files(page))
			p.answers("w", page)
			took = append(took, time.Since(start))
			sys.waitFinal(id, buildWithin)
		}
		return took
	}
	cached := measure("registry")
	none := measure("off")
	report("wiped-with-cache", cached, "wiped-without-cache", none)
}

// readDigest reads the pushed image's digest from buildctl's metadata
// file.
func readDigest(b testing.TB, file string) string {
	b.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	var meta struct {
		Digest string `json:"containerimage.digest"`
	}
	if err := json.Unmarshal(data, &meta); err != nil || meta.Digest == "" {
		b.Fatalf("buildctl metadata %s: %v %s", file, err, data)
	}
	return meta.Digest
}
