package test

// Headless Chromium for the browser tests: Debian's chromium, driven with
// chromedp, with what the page loads, logs and shows kept for the test.

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ofcbuild/ofc/internal/testenv"
)

// requireChromium returns the path of Debian's chromium. Under CI=true a
// missing browser fails the test; otherwise the test skips.
func requireChromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		testenv.Missing(t, "chromium not found: install Debian's chromium package (`apt-get install chromium`, or `make tools`)")
	}
	return path
}

// newBrowser starts a headless Chromium that lives until the test ends.
// The networking Chromium does on its own is off: this machine refuses it.
func newBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "chromium.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(logf),
	)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		logf.Close()
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("--- chromium log ---\n%s", tail(string(out), 50))
		}
	})
	// The first Run starts the browser; it gets no deadline of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// watchConsole collects what the page writes to its console; the func it
// returns lists the messages so far.
func watchConsole(t *testing.T, ctx context.Context) func() []chromedp.ConsoleMessage {
	var mu sync.Mutex
	var msgs []chromedp.ConsoleMessage
	cctx, stop := context.WithCancel(ctx)
	messages := chromedp.Console(cctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			msgs = append(msgs, m)
			mu.Unlock()
		}
	}()
	list := func() []chromedp.ConsoleMessage {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(msgs)
	}
	t.Cleanup(func() {
		stop()
		<-done
		if t.Failed() {
			for _, m := range list() {
				t.Logf("console %s", m)
			}
		}
	})
	return list
}

// recordStates makes every document the tab loads note, in the tab's
// session storage, that it loaded and each text #state shows, so that the
// test can tell what the page showed before and after any reload.
func recordStates() chromedp.Action[chromedp.Void] {
	const script = `(() => {
  const key = "browserTestStates";
  const note = (s) => {
    try {
      const all = JSON.parse(sessionStorage.getItem(key) || "[]");
      all.push(s);
      sessionStorage.setItem(key, JSON.stringify(all));
    } catch (e) {}
  };
  if (location.protocol !== "http:") return;
  note("load");
  document.addEventListener("DOMContentLoaded", () => {
    const st = document.getElementById("state");
    if (!st) return;
    note(st.textContent.trim());
    new MutationObserver(() => note(st.textContent.trim()))
      .observe(st, {childList: true, characterData: true, subtree: true});
  });
})()`
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		return err
	})
}

// stateHistory is what recordStates noted.
func stateHistory(t *testing.T, ctx context.Context) []string {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem("browserTestStates") || "[]"`))
	if err != nil {
		t.Fatal(err)
	}
	var h []string
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// shot saves a screenshot of the whole page as an artifact of the test.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	path := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Error(err)
		return
	}
	t.Logf("screenshot: %s", path)
}
