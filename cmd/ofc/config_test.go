package main

import (
	"bytes"
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/pipeline"
)

func TestUseColor(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		flag string
		tty  bool
		want bool
	}{
		{nil, "auto", true, true},
		{nil, "auto", false, false},
		{map[string]string{"NO_COLOR": "1"}, "auto", true, false},
		{map[string]string{"NO_COLOR": ""}, "auto", true, true}, // set but empty does not count
		{map[string]string{"TERM": "dumb"}, "auto", true, false},
		{map[string]string{"NO_COLOR": "1"}, "always", false, true},
		{nil, "never", true, false},
	} {
		c := readConfig(envconfig.Map(tc.env))
		c.Color = tc.flag
		got, err := c.useColor(tc.tty)
		if err != nil || got != tc.want {
			t.Errorf("env %v, --color %s, tty %v: colour %v (%v), want %v", tc.env, tc.flag, tc.tty, got, err, tc.want)
		}
	}
	if _, err := (config{Color: "pink"}).useColor(true); err == nil {
		t.Error("--color pink accepted")
	}
}

func TestConfig(t *testing.T) {
	c := readConfig(envconfig.Map(nil))
	if c.URL != defaultURL || c.Token != "" {
		t.Errorf("defaults: %+v", c)
	}
	c = readConfig(envconfig.Map(map[string]string{"OFC_URL": "https://ofc.example.com/base/", "OFC_TOKEN": "t"}))
	u, err := c.baseURL()
	if err != nil || u.String() != "https://ofc.example.com/base" || c.Token != "t" {
		t.Errorf("%+v: %v %v", c, u, err)
	}
	for _, bad := range []string{"127.0.0.1:8080", "ftp://x", "http://", "::"} {
		if _, err := (config{URL: bad}).baseURL(); err == nil {
			t.Errorf("--url %q accepted", bad)
		}
	}
}

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args, rest []string
		follow     bool
	}{
		{[]string{"42", "--follow"}, []string{"42"}, true},
		{[]string{"--follow", "42"}, []string{"42"}, true},
		{[]string{"a", "-follow", "b"}, []string{"a", "b"}, true},
		{[]string{"a", "--", "--follow"}, []string{"a", "--follow"}, false},
		{nil, nil, false},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		follow := fs.Bool("follow", false, "")
		rest, err := parseArgs(fs, tc.args)
		if err != nil || !reflect.DeepEqual(rest, tc.rest) || *follow != tc.follow {
			t.Errorf("%q: %q follow=%v (%v), want %q follow=%v", tc.args, rest, *follow, err, tc.rest, tc.follow)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parseArgs(fs, []string{"1", "--nope"}); err == nil {
		t.Error("unknown flag accepted")
	}
}

func TestSplitRepo(t *testing.T) {
	for in, want := range map[string]string{
		"alice/fns":            "alice fns",
		"group/sub/fns":        "group/sub fns",
		"/alice/fns.git/":      "alice fns",
		"fns":                  "",
		"alice/":               "",
		"/fns":                 "",
		"group/sub/deeper/fns": "group/sub/deeper fns",
	} {
		owner, repo, err := splitRepo(in)
		got := ""
		if err == nil {
			got = owner + " " + repo
		}
		if got != want {
			t.Errorf("splitRepo(%q) = %q (%v), want %q", in, got, err, want)
		}
	}
}

func TestReadEvents(t *testing.T) {
	stream := ": hello\n\n" +
		"retry: 2500\n" +
		"event: line\r\nid: 1\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n" +
		"data:plain\n\n" + // no name: "message"; no id: the last one
		"id: 2\n\n" + // an id alone dispatches nothing
		"event: end\ndata: {}\n\n" +
		"event: cut\ndata: never dispatched"
	var got []event
	err := readEvents(strings.NewReader(stream), func(e event) error { got = append(got, e); return nil })
	want := []event{
		{Name: "line", ID: "1", Data: "{\"a\":\n1}", Retry: 2500 * time.Millisecond},
		{Name: "message", ID: "1", Data: "plain", Retry: 2500 * time.Millisecond},
		{Name: "end", ID: "2", Data: "{}", Retry: 2500 * time.Millisecond},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("events %+v (%v), want %+v", got, err, want)
	}
}

func TestColorOutput(t *testing.T) {
	var out bytes.Buffer
	p := &printer{out: &out, color: true, loc: time.UTC, now: func() time.Time { return t0 }}
	p.logLine(logLine(1, "hello", pipeline.StepBuild, "ok \x1b]0;pwned\a"), true)
	line := out.String()
	for _, part := range []string{dim + "12:00:01" + reset, functionStyle("hello") + "[hello]" + reset, "ok \uFFFD]0;pwned\uFFFD\n"} {
		if !strings.Contains(line, part) {
			t.Errorf("%q does not hold %q", line, part)
		}
	}
	out.Reset()
	p.table([]string{"ID", "STATE"}, [][]cell{{{text: "1"}, {text: "failure", style: stateStyle(pipeline.Failure)}}})
	if want := bold + "ID" + reset + "  " + bold + "STATE" + reset + "\n1   " + red + "failure" + reset + "\n"; out.String() != want {
		t.Errorf("table %q, want %q", out.String(), want)
	}
}

func TestDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0s", 59*time.Second + 600*time.Millisecond: "1m00s", 65 * time.Second: "1m05s", 2*time.Hour + 3*time.Minute: "2h03m"} {
		if got := span(d); got != want {
			t.Errorf("span(%v) = %s, want %s", d, got, want)
		}
	}
	for d, want := range map[time.Duration]string{-time.Second: "0s", 45 * time.Second: "45s", 12 * time.Minute: "12m", 47 * time.Hour: "47h", 50 * time.Hour: "2d"} {
		if got := ago(t0, t0.Add(-d)); got != want {
			t.Errorf("ago(%v) = %s, want %s", d, got, want)
		}
	}
}
