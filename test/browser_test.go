package test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ofcbuild/ofc/pipeline"
)

// ticks is how many lines the ticker function's build prints, one every
// 0.3s, so that its page has a log to follow for several seconds.
const ticks = 30

const tickerStack = `version: 1.0
provider:
  name: openfaas
functions:
  ticker:
    lang: dockerfile
    handler: ./ticker
    image: ticker:latest
`

// tickerDockerfile prints ticks lines over time; the nonce keeps BuildKit
// from answering the step from its cache.
const tickerDockerfile = `FROM busybox:latest
RUN echo "run %s" && for i in $(seq 1 %d); do echo "tick $i"; sleep 0.3; done
RUN mkdir -p /www/_ && echo ok > /www/_/health && echo ticked > /www/index.html
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`

// tickLine matches a line the RUN step printed ("#6 1.204 tick 4"), not
// the step's own title, which holds "tick $i".
var tickLine = regexp.MustCompile(`\btick (\d+)$`)

func TestBrowserFollowsARunningBuildLive(t *testing.T) {
	chromium := requireChromium(t)
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	// The browser starts before the push, so that the page is open while
	// the ticks are printed.
	ctx := newBrowser(t, chromium)
	console := watchConsole(t, ctx)
	_, id := sys.pushFirst(owner, "ticker", "Tick", map[string]string{
		"stack.yml":         tickerStack,
		"ticker/Dockerfile": fmt.Sprintf(tickerDockerfile, randomID(), ticks),
	})
	waitRunning(t, sys, id)

	// A public repository's build: the page needs no credential.
	url := sys.WebhookURL + "/builds/" + itoa(id)
	if err := chromedp.Do(ctx, recordStates(), chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	// A page that reloads loses this mark.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.browserTestOpened = true`)); err != nil {
		t.Fatal(err)
	}

	// While the page says the build runs, lines arrive without a reload,
	// the ticks in more than one batch.
	var running []pageView
	var last pageView
	shotRunning := false
	deadline := time.Now().Add(buildWithin)
	for {
		v := readPage(t, ctx)
		if !v.Opened || v.State != string(pipeline.Running) {
			last = v
			break
		}
		running = append(running, v)
		if n := len(v.ticks()); n >= ticks/3 && n < ticks && !shotRunning {
			shot(t, ctx, "build-page-running.png")
			shotRunning = true
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page still says %q after %s", v.State, buildWithin)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(running) == 0 {
		t.Fatalf("the page of a running build said %q (opened %v), want %q", last.State, last.Opened, pipeline.Running)
	}
	first, lastRunning := running[0], running[len(running)-1]
	if len(lastRunning.Lines) <= len(first.Lines) {
		t.Errorf("while the build ran the page showed %d lines, then %d: want more lines later without a reload",
			len(first.Lines), len(lastRunning.Lines))
	}
	tickCounts := map[int]bool{}
	for _, v := range running {
		if n := len(v.ticks()); n > 0 && n < ticks {
			tickCounts[n] = true
		}
		checkLines(t, "while running", v)
	}
	if len(tickCounts) < 2 {
		t.Errorf("while the build ran the page showed the ticks in %d partial batches (%v), want them to arrive over time",
			len(tickCounts), tickCounts)
	}
	t.Logf("while running: %d readings, lines %d -> %d, partial tick counts %v",
		len(running), len(first.Lines), len(lastRunning.Lines), sortedKeys(tickCounts))

	// Then the final state is on the page, which the test never reloads.
	b := sys.waitFinal(id, buildWithin)
	if b.State != pipeline.Success {
		t.Fatalf("build %s at step %q: %s", b.State, b.FailedStep, b.Error)
	}
	final := waitSettled(t, ctx, string(b.State))
	history := stateHistory(t, ctx)
	if !changedInPlace(history, string(b.State)) {
		t.Errorf("the state the page showed, by document: %v; want %q to replace %q on the page that was open",
			history, b.State, pipeline.Running)
	}
	t.Logf("state shown, by document: %v", history)

	checkLines(t, "at the end", final)
	got := final.ticks()
	want := make([]int, ticks)
	for i := range want {
		want[i] = i + 1
	}
	if !slices.Equal(got, want) {
		t.Errorf("the final page shows ticks %v, want 1..%d once each, in order", got, ticks)
	}
	for _, l := range final.Lines {
		if tickLine.MatchString(l.Text) && l.Function != "ticker" {
			t.Errorf("line %d %q is in the log of %q, want ticker's", l.Seq, l.Text, l.Function)
		}
	}
	// What was shown live is what the final page shows.
	finalText := map[int64]string{}
	for _, l := range final.Lines {
		finalText[l.Seq] = l.Text
	}
	for _, l := range lastRunning.Lines {
		if text, ok := finalText[l.Seq]; !ok || text != l.Text {
			t.Errorf("line %d was %q live and is %q at the end (present %v)", l.Seq, l.Text, text, ok)
		}
	}
	// The page shows the whole stored log.
	var stored struct {
		Lines []pipeline.LogLine `json:"lines"`
	}
	sys.getJSON("/api/builds/"+itoa(b.ID)+"/logs", &stored)
	if len(stored.Lines) != len(final.Lines) {
		t.Errorf("the page shows %d lines, the stored log has %d", len(final.Lines), len(stored.Lines))
	}
	if final.Functions["ticker"] != string(pipeline.Success) {
		t.Errorf("the functions table shows ticker %q, want %q", final.Functions["ticker"], pipeline.Success)
	}

	shot(t, ctx, "build-page.png")
	for _, m := range console() {
		if m.IsException() {
			t.Errorf("the page threw: %s (%s:%d)", m.Text, m.URL, m.Line)
		}
	}
}

// waitRunning waits until a builder has claimed the build, so that the
// page opens on a running build.
func waitRunning(t *testing.T, s *system, id int64) {
	t.Helper()
	deadline := time.Now().Add(buildWithin)
	for {
		b := s.build(id)
		switch {
		case b.State == pipeline.Running:
			return
		case b.State.Final():
			t.Fatalf("build %d ended %s before the page was opened: %s", id, b.State, b.Error)
		case time.Now().After(deadline):
			t.Fatalf("build %d still %s after %s", id, b.State, buildWithin)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// changedInPlace says the first document showed running, then final.
func changedInPlace(history []string, final string) bool {
	if len(history) == 0 || history[0] != "load" {
		return false
	}
	first := history[1:]
	if i := slices.Index(first, "load"); i >= 0 {
		first = first[:i]
	}
	r := slices.Index(first, string(pipeline.Running))
	return r >= 0 && slices.Contains(first[r:], final)
}

// pageView is what the build page shows.
type pageView struct {
	State string `json:"state"`
	// Opened says this is the document the test opened, not a reload.
	Opened bool       `json:"opened"`
	Ready  string     `json:"ready"`
	Lines  []lineView `json:"lines"`
	// Functions is the state of each function in the functions table.
	Functions map[string]string `json:"functions"`
}

type lineView struct {
	Seq      int64  `json:"seq"`
	Function string `json:"function"`
	Text     string `json:"text"`
}

const readPageJS = `(() => {
  const st = document.getElementById("state");
  const lines = [];
  for (const pre of document.querySelectorAll("pre.log[data-function]")) {
    for (const span of pre.querySelectorAll("span.line[data-seq]")) {
      lines.push({seq: Number(span.dataset.seq), function: pre.dataset.function,
        text: span.textContent.replace(/\n$/, "")});
    }
  }
  const functions = {};
  for (const tr of document.querySelectorAll("#functions tr.function[data-function]")) {
    const s = tr.querySelector(".state");
    functions[tr.dataset.function] = s ? s.textContent.trim() : "";
  }
  return {state: st ? st.textContent.trim() : "", opened: window.browserTestOpened === true,
    ready: document.readyState, lines, functions};
})()`

// readPage reads the page; while the page reloads, it tries again.
func readPage(t *testing.T, ctx context.Context) pageView {
	t.Helper()
	var err error
	for range 50 {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		var v pageView
		v, err = chromedp.Run(rctx, chromedp.Evaluate[pageView](readPageJS))
		cancel()
		if err == nil {
			return v
		}
		if ctx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("read the page: %v", err)
	return pageView{}
}

// waitSettled waits until the page shows the final state, and for the
// reload the page may make once the build ends.
func waitSettled(t *testing.T, ctx context.Context, final string) pageView {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var sawFinal time.Time
	for {
		v := readPage(t, ctx)
		if v.State == final && sawFinal.IsZero() {
			sawFinal = time.Now()
		}
		switch {
		case v.State == final && v.Ready == "complete" && !v.Opened:
			return v
		case !sawFinal.IsZero() && time.Since(sawFinal) > 10*time.Second:
			t.Logf("the page shows %q and did not reload", final)
			return v
		case time.Now().After(deadline):
			t.Fatalf("the page says %q a minute after the build ended %s", v.State, final)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// ticks lists the numbers of the tick lines, in the page's order.
func (v pageView) ticks() []int {
	var out []int
	for _, l := range v.Lines {
		if m := tickLine.FindStringSubmatch(l.Text); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
	}
	return out
}

// checkLines fails t unless every line is on the page once and each log
// is in the order of its lines' numbers.
func checkLines(t *testing.T, when string, v pageView) {
	t.Helper()
	seen := map[int64]bool{}
	prev := map[string]int64{}
	for _, l := range v.Lines {
		if seen[l.Seq] {
			t.Errorf("%s: line %d is on the page twice: %q", when, l.Seq, l.Text)
		}
		seen[l.Seq] = true
		if p, ok := prev[l.Function]; ok && l.Seq <= p {
			t.Errorf("%s: in the log of %q, line %d comes after line %d", when, l.Function, l.Seq, p)
		}
		prev[l.Function] = l.Seq
	}
}

func sortedKeys(m map[int]bool) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
