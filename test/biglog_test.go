package test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

const (
	// loudBytes is what the loud function's RUN step prints.
	loudBytes = 100 << 20
	// maxBuilderRSS is the most the builder may hold while it takes in
	// a log of that size.
	maxBuilderRSS = 150 << 20
)

// loudStack's only function prints 100 MB while it builds, a line of 100
// bytes at a time, then a last line to find at the end.
const loudStack = `version: 1.0
provider:
  name: openfaas
functions:
  loud:
    lang: dockerfile
    handler: ./loud
`

func loudDockerfile(nonce string) string {
	return fmt.Sprintf(`FROM busybox:latest
RUN echo %s && yes "%s" | head -c %d && echo "the end of a loud step"
RUN mkdir -p /www/_ && echo ok > /www/_/health
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`, nonce, strings.Repeat("x", 99), loudBytes)
}

// TestA100MBLogIsBounded: a step that prints 100 MB leaves the builder
// under 150 MB of memory, the stored log truncated with its marker and
// its end, and a build page of bounded size.
func TestA100MBLogIsBounded(t *testing.T) {
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	_, id := sys.pushFirst(owner, "fns", "A loud build", map[string]string{
		"stack.yml":       loudStack,
		"loud/Dockerfile": loudDockerfile(randomID()),
	})
	b := sys.waitFinal(id, buildWithin)
	if b.State != pipeline.Success {
		t.Fatalf("build %s at %q: %s", b.State, b.FailedStep, b.Error)
	}
	rss := peakRSS(t, sys.pids["builder"][0])
	t.Logf("builder peak RSS: %.1f MiB", float64(rss)/(1<<20))
	if rss >= maxBuilderRSS {
		t.Errorf("the builder's peak RSS was %.1f MiB, want under %d MiB", float64(rss)/(1<<20), maxBuilderRSS>>20)
	}

	var stored, markers int
	var loud []string
	for _, l := range sys.logLines(b.ID) {
		if l.Function != "loud" {
			continue
		}
		stored += len(l.Text) + 1
		loud = append(loud, l.Text)
		if strings.HasPrefix(l.Text, "[log truncated: ") {
			markers++
		}
	}
	t.Logf("loud's stored log: %d lines, %.1f MiB", len(loud), float64(stored)/(1<<20))
	// The bound (4 MiB by default), the two markers and the kept end.
	if stored > 4<<20+128<<10 || markers != 2 {
		t.Errorf("loud's stored log holds %d bytes and %d truncation markers; want at most 4 MiB and its 64 KiB end, and 2 markers", stored, markers)
	}
	// The builder took in the whole step: BuildKit clipped nothing.
	var dropped int
	for _, l := range loud {
		if _, err := fmt.Sscanf(l, "[log truncated: %d lines", &dropped); err == nil {
			break
		}
	}
	if want := (loudBytes - 4<<20) / 100; dropped < want {
		t.Errorf("the log says %d lines were left out; the step printed over %d more than were kept", dropped, want)
	}
	end := strings.Join(loud[max(0, len(loud)-200):], "\n")
	if !strings.Contains(end, "the end of a loud step") || !strings.Contains(end, "deployed ") {
		t.Errorf("the kept end of loud's log lacks the step's last line or the deploy:\n%s", tail(end, 20))
	}

	// The page shows the log's start and its end, where the markers and
	// the step's last line are, in a page of bounded size.
	body, took := sys.page(b.ID)
	t.Logf("build page: %.2f MiB in %s", float64(len(body))/(1<<20), took)
	if len(body) > 1<<20 {
		t.Errorf("the build page is %d bytes, want at most 1 MiB", len(body))
	}
	for _, want := range []string{"[log truncated: this log is over 4.0 MiB", " left out; the last ", "the end of a loud step", `<span class="gap">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the build page lacks %q", want)
		}
	}
}

// peakRSS reads the high-water mark of a running process's resident
// memory.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatalf("read the builder's memory: %v", err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}
