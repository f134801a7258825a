package web

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/pipeline"
)

var (
	started  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	finished = started.Add(75 * time.Second)
	shop     = pipeline.Repo{Provider: pipeline.GitHub, Owner: "acme", Name: "shop", HTMLURL: "https://github.com/acme/shop", DefaultBranch: "main"}
	secret   = pipeline.Repo{Provider: pipeline.GitLab, Owner: "group/sub", Name: "secret", HTMLURL: "https://gitlab.com/group/sub/secret", Private: true}
	sha      = "abcdef0123456789abcdef0123456789abcdef01"
)

// fixture is a running pull request build, a tag's and a push's of a
// public GitHub repository, and a failed push of a private GitLab one.
func fixture() history {
	return history{builds: []pipeline.Build{
		{ID: 4, Repo: secret, Kind: pipeline.Push, Branch: "main", Commit: sha, State: pipeline.Failure, FailedStep: pipeline.StepBuild,
			Error: "compile: undefined: x", CreatedAt: started, StartedAt: &started, FinishedAt: &finished},
		{ID: 3, Repo: shop, Kind: pipeline.PullRequest, PullRequest: 12, Branch: "feature", Commit: sha, Author: "alice",
			Message: "<script>alert(1)</script> fix\n\nthe body", State: pipeline.Running, CreatedAt: started, StartedAt: &started,
			Functions: []pipeline.FunctionBuild{
				{Name: "api", DeployName: "acme-shop-api-feature-1a", Image: "reg/acme/shop/api:" + sha, Digest: "sha256:0123456789abcdef0123",
					State: pipeline.Success, StartedAt: &started, FinishedAt: &finished},
				{Name: "greet", Image: "reg/acme/shop/greet:" + sha, State: pipeline.Running, StartedAt: &started},
			}},
		{ID: 2, Repo: shop, Kind: pipeline.Tag, Tag: "v1.0", Commit: sha, State: pipeline.Success, CreatedAt: started,
			StartedAt: &started, FinishedAt: &finished, Functions: []pipeline.FunctionBuild{
				{Name: "api", DeployName: "acme-shop-api-1b", Image: "reg/acme/shop/api:v1.0", Digest: "sha256:99", State: pipeline.Success}}},
		{ID: 1, Repo: shop, Kind: pipeline.Push, Branch: "main", Commit: sha, State: pipeline.Success, CreatedAt: started},
	}}
}

func line(seq int64, function, text string) pipeline.LogLine {
	return pipeline.LogLine{Seq: seq, Function: function, Step: pipeline.StepBuild, Time: started, Text: text}
}

func TestHomeListsWhatMayBeRead(t *testing.T) {
	srv := site(t, fixture(), &logs{})
	resp, body := fetch(t, srv, "/", false)
	if resp.StatusCode != 200 || !strings.Contains(body, `<a href="/repos/github/acme/shop">acme/shop</a>`) ||
		!strings.Contains(body, `<a href="/builds/3">#3</a>`) || !strings.Contains(body, `class="state running"`) {
		t.Errorf("GET / = %d:\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, "secret") {
		t.Errorf("GET / without a token shows the private repository:\n%s", body)
	}
	_, body = fetch(t, srv, "/", true)
	if !strings.Contains(body, `<a href="/repos/gitlab/group/sub/secret">group/sub/secret</a> <span class="private">private</span>`) {
		t.Errorf("GET / with a token does not show the private repository:\n%s", body)
	}
	if _, body := fetch(t, site(t, history{}, &logs{}), "/", false); !strings.Contains(body, "No builds yet") {
		t.Errorf("GET / with no builds:\n%s", body)
	}
}

func TestRepoPage(t *testing.T) {
	srv := site(t, fixture(), &logs{})
	resp, body := fetch(t, srv, "/repos/github/acme/shop", false)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /repos/github/acme/shop = %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<tr class="build" data-build="3">`,
		`<a href="https://github.com/acme/shop/pull/12">pull request #12</a>`,
		`<a href="https://github.com/acme/shop/tree/v1.0">tag v1.0</a>`,
		`<td class="trigger">push</td>`,
		`<code><a href="https://github.com/acme/shop/commit/` + sha + `">abcdef0</a></code>`,
		`<td class="message">&lt;script&gt;alert(1)&lt;/script&gt; fix</td>`,
		`<td>1m30s</td>`, // running, measured to now
		`<td>1m15s</td>`,
		`<td>alice</td>`,
		`href="/api/builds?provider=github&amp;owner=acme&amp;repo=shop"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("repository page lacks %s", want)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "the body") {
		t.Errorf("repository page shows the commit message unescaped or whole:\n%s", body)
	}

	_, body = fetch(t, srv, "/repos/gitlab/group/sub/secret", true)
	if !strings.Contains(body, `<a href="https://gitlab.com/group/sub/secret/-/commit/`+sha+`">abcdef0</a>`) {
		t.Errorf("GitLab repository page, nested group, with a token:\n%s", body)
	}
	for _, path := range []string{
		"/repos/gitlab/group/sub/secret", // private, no token
		"/repos/gitlab/acme/shop",        // the name on the other forge
		"/repos/bitbucket/acme/shop",
		"/repos/github/shop",
		"/repos/github/acme/nothing",
	} {
		if resp, body := fetch(t, srv, path, false); resp.StatusCode != 404 || !strings.Contains(body, "Not found") {
			t.Errorf("GET %s = %d, want the 404 page", path, resp.StatusCode)
		}
	}
}

func TestRunningBuildPage(t *testing.T) {
	l := &logs{lines: []pipeline.LogLine{
		line(1, "", "cloning"), line(2, "greet", "step 1 <b>bold</b>"), line(3, "api", "pushed"),
		line(4, "", "planned"), line(5, "gone", "a function dropped since"),
	}}
	srv := site(t, fixture(), l)
	resp, body := fetch(t, srv, "/builds/3", false)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /builds/3 = %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<span id="state" class="state running">running</span>`,
		`<dd id="trigger"><a href="https://github.com/acme/shop/pull/12">pull request #12</a></dd>`,
		`<a href="/repos/github/acme/shop">acme/shop</a>`,
		`<dd class="message">&lt;script&gt;alert(1)&lt;/script&gt; fix` + "\n\nthe body</dd>",
		`<tr class="function" data-function="api">`,
		`<a class="url" href="http://gw.example/function/acme-shop-api-feature-1a">`,
		`<code title="sha256:0123456789abcdef0123">0123456789ab</code>`,
		`<a href="/api/builds/3">build</a>`,
		`<span class="line" data-seq="2">step 1 &lt;b&gt;bold&lt;/b&gt;` + "\n</span>",
		`data-follow="/api/builds/3/logs?follow=1&amp;after=5" data-after="5"`,
		// Not a final figure while it runs.
		`<dt>running for</dt>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("build page lacks %s", want)
		}
	}
	if strings.Contains(body, "greet/function") || strings.Count(body, `class="url"`) != 1 {
		t.Errorf("a function not deployed has a URL")
	}
	order := regexp.MustCompile(`<pre class="log" data-function="([^"]*)">`).FindAllStringSubmatch(body, -1)
	var streams []string
	for _, m := range order {
		streams = append(streams, m[1])
	}
	if fmt.Sprint(streams) != "[ api greet gone]" {
		t.Errorf("log streams in order %q, want the build's, api, greet, then gone", streams)
	}
	if !regexp.MustCompile(`data-function="">\s*<span class="line" data-seq="1">cloning\n</span><span class="line" data-seq="4">planned`).MatchString(body) {
		t.Errorf("the build's own stream does not hold lines 1 and 4:\n%s", body)
	}

	// The one script is the follower, allowed by its hash alone.
	scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(body, -1)
	if len(scripts) != 1 || !strings.Contains(scripts[0][1], "EventSource") {
		t.Fatalf("scripts on the page: %q", scripts)
	}
	sum := sha256.Sum256([]byte(scripts[0][1]))
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("CSP %q does not allow the page's script", csp)
	}
	if resp.Header.Get("Referrer-Policy") != "same-origin" {
		t.Errorf("Referrer-Policy %q: a signed link would leak to the forge", resp.Header.Get("Referrer-Policy"))
	}
}

func TestFinishedBuildPage(t *testing.T) {
	srv := site(t, fixture(), &logs{})
	_, body := fetch(t, srv, "/builds/2", false)
	if strings.Contains(body, "<script") || strings.Contains(body, "data-follow") {
		t.Errorf("a finished build's page follows its log:\n%s", body)
	}
	if !strings.Contains(body, `<a href="https://github.com/acme/shop/tree/v1.0">tag v1.0</a>`) || strings.Contains(body, `class="url"`) {
		t.Errorf("a tag's build, which deploys nothing, should show no URL:\n%s", body)
	}
	if !regexp.MustCompile(`<pre class="log" data-function="api"></pre>`).MatchString(body) {
		t.Errorf("a function without lines has no log to append to:\n%s", body)
	}
}

func TestSignedLinkOpensOnePrivateBuild(t *testing.T) {
	srv := site(t, fixture(), &logs{lines: []pipeline.LogLine{line(1, "", "secret line")}})
	signer := access.NewSigner(linkKey)
	link := signer.Sign(4, time.Now().Add(time.Hour))
	resp, body := fetch(t, srv, "/builds/4?"+link.Encode(), false)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /builds/4 with its link = %d", resp.StatusCode)
	}
	carried := "exp=" + link.Get("exp") + "&amp;sig=" + link.Get("sig")
	for _, want := range []string{
		`<a href="/api/builds/4?` + carried + `">build</a>`,
		`<a href="/api/builds/4/logs?` + carried + `">log</a>`,
		`<pre class="error">compile: undefined: x</pre>`,
		`<span id="state" class="state failure">failure</span> at build`,
		`<a href="https://gitlab.com/group/sub/secret/-/commit/` + sha + `">abcdef0</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("build page opened by its link lacks %s", want)
		}
	}
	if strings.Contains(body, `href="/repos/`) {
		t.Errorf("the page links the private repository, which its link does not open")
	}
	for _, q := range []url.Values{nil, signer.Sign(4, time.Now().Add(-time.Minute)), signer.Sign(3, time.Now().Add(time.Hour))} {
		if resp, body := fetch(t, srv, "/builds/4?"+q.Encode(), false); resp.StatusCode != 404 || strings.Contains(body, "secret") {
			t.Errorf("GET /builds/4?%s = %d, want 404 without a word of it", q.Encode(), resp.StatusCode)
		}
	}
	if resp, _ := fetch(t, srv, "/builds/4", true); resp.StatusCode != 200 {
		t.Errorf("GET /builds/4 with a token = %d", resp.StatusCode)
	}
	for _, path := range []string{"/builds/99", "/builds/x", "/builds/0"} {
		if resp, _ := fetch(t, srv, path, true); resp.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestRunningBuildCarriesItsLinkToTheLiveLog(t *testing.T) {
	h := fixture()
	h.builds[0].State, h.builds[0].FinishedAt = pipeline.Running, nil
	srv := site(t, h, &logs{})
	link := access.NewSigner(linkKey).Sign(4, time.Now().Add(time.Hour))
	_, body := fetch(t, srv, "/builds/4?"+link.Encode(), false)
	want := `data-follow="/api/builds/4/logs?follow=1&amp;after=0&amp;exp=` + link.Get("exp") + "&amp;sig=" + link.Get("sig") + `"`
	if !strings.Contains(body, want) {
		t.Errorf("live log URL without the signed link; want %s in\n%s", want, body)
	}
}

// A long log's page shows its start and its end, where a failure's error
// is, and says where the lines between are; a shorter one is shown whole.
func TestLongLogShowsItsStartAndItsEnd(t *testing.T) {
	for _, c := range []struct {
		lines, reads int
		hidden       bool
	}{
		{2500, 4, false},
		{headLines + tailLines, 1 + tailLines/logPage, false},
		{headLines + tailLines + 1, 1 + tailLines/logPage, true},
		{100000, 1 + tailLines/logPage, true},
	} {
		l := &logs{}
		for i := range c.lines {
			fn := ""
			if i%2 == 1 {
				fn = "api"
			}
			l.lines = append(l.lines, line(int64(i+1), fn, fmt.Sprint("line ", i+1)))
		}
		_, body := fetch(t, site(t, fixture(), l), "/builds/2", false)
		shown := min(c.lines, headLines+tailLines)
		if n := strings.Count(body, `<span class="line"`); n != shown || l.reads != c.reads {
			t.Errorf("a log of %d lines: %d shown in %d reads, want %d in %d", c.lines, n, l.reads, shown, c.reads)
		}
		last := fmt.Sprintf(`data-seq="%d">line %d`, c.lines, c.lines)
		if !strings.Contains(body, last) || !strings.Contains(body, `data-seq="1">line 1`) {
			t.Errorf("a log of %d lines: the page lacks its first or its last line", c.lines)
		}
		from, to := headLines+1, c.lines-tailLines
		gap := fmt.Sprintf(`lines %d to %d are <a href="/api/builds/2/logs?after=%d">in its JSON</a>`, from, to, from-1)
		if got := strings.Contains(body, gap); got != c.hidden {
			t.Errorf("a log of %d lines: says %q: %v, want %v", c.lines, gap, got, c.hidden)
		}
		// Each stream marks the gap where its hidden lines were.
		if n := strings.Count(body, `<span class="gap">`); c.hidden && n != 2 || !c.hidden && n != 0 {
			t.Errorf("a log of %d lines: %d gap marks, want one per stream", c.lines, n)
		}
	}
}

func TestPagesWhenTheStoreFails(t *testing.T) {
	h := fixture()
	h.err = errors.New("connection refused")
	srv := site(t, h, &logs{})
	for _, path := range []string{"/", "/repos/github/acme/shop", "/builds/3"} {
		resp, body := fetch(t, srv, path, true)
		if resp.StatusCode != 503 || strings.Contains(body, "refused") {
			t.Errorf("GET %s = %d, want 503 without internals:\n%s", path, resp.StatusCode, body)
		}
	}
	// The log failing leaves the rest of the page readable.
	resp, body := fetch(t, site(t, fixture(), &logs{err: errors.New("refused")}), "/builds/3", false)
	if resp.StatusCode != 200 || !strings.Contains(body, "The log cannot be read") || strings.Contains(body, "<script") {
		t.Errorf("GET /builds/3 with the log unreadable = %d:\n%s", resp.StatusCode, body)
	}
}

func TestBuildPageSaysTheLogWasRemoved(t *testing.T) {
	h := fixture()
	removed := finished.Add(31 * 24 * time.Hour)
	h.builds = append(h.builds, pipeline.Build{ID: 5, Repo: shop, Kind: pipeline.Push, Branch: "main", Commit: sha,
		State: pipeline.Success, CreatedAt: started, StartedAt: &started, FinishedAt: &finished,
		LogRemovedAt: &removed, LogRemovedWhy: "older than 30 days"})
	l := &logs{lines: []pipeline.LogLine{line(1, "", "a line of another build")}}
	resp, body := fetch(t, site(t, h, l), "/builds/5", false)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /builds/5 = %d", resp.StatusCode)
	}
	want := `<p id="log-removed" class="muted">This log was removed by the retention policy on 2026-04-01 (older than 30 days).</p>`
	if !strings.Contains(body, want) {
		t.Errorf("build page lacks %s:\n%s", want, body)
	}
	if strings.Contains(body, `<section id="logs"`) || strings.Contains(body, "cannot be read") || l.reads != 0 {
		t.Errorf("a removed log is read (%d reads) or shown as a log:\n%s", l.reads, body)
	}
	if _, body := fetch(t, site(t, fixture(), &logs{}), "/builds/2", false); strings.Contains(body, "log-removed") {
		t.Errorf("a kept log is said to be removed:\n%s", body)
	}
}

// A function whose image was reused, and left running, says so.
func TestBuildPageSaysAnImageWasReused(t *testing.T) {
	h := fixture()
	h.builds[2].Functions = append(h.builds[2].Functions, pipeline.FunctionBuild{Name: "web", DeployName: "acme-shop-web-1b",
		Image: "reg/acme/shop/web:v1.0", Digest: "sha256:98", State: pipeline.Success, ReusedFrom: "1234567890abcdef1234567890abcdef12345678", Unchanged: true})
	srv := site(t, h, &logs{})
	_, body := fetch(t, srv, "/builds/2", false)
	if !strings.Contains(body, `<span class="reused" title="1234567890abcdef1234567890abcdef12345678">unchanged since 1234567, image reused</span>`) ||
		!strings.Contains(body, `running already, not redeployed`) {
		t.Errorf("the page does not say web's image was reused:\n%s", body)
	}
	if strings.Count(body, "image reused") != 1 {
		t.Error("a function that was built is said to be reused")
	}
}
