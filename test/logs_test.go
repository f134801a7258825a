package test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// logLines reads every stored line of a build, all its streams, page by
// page through the JSON API.
func (s *system) logLines(id int64) []pipeline.LogLine {
	s.t.Helper()
	var all []pipeline.LogLine
	var after int64
	for {
		var page struct {
			Lines []pipeline.LogLine `json:"lines"`
		}
		s.getJSON(fmt.Sprintf("/api/builds/%d/logs?after=%d&limit=1000", id, after), &page)
		if len(page.Lines) == 0 {
			return all
		}
		all = append(all, page.Lines...)
		after = page.Lines[len(page.Lines)-1].Seq
	}
}

// logText is a build's stored log as text, a line each.
func (s *system) logText(id int64) string {
	var b strings.Builder
	for _, l := range s.logLines(id) {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// followed is everything the live stream of a build's log sends, raw, up
// to its end event.
func (s *system) followed(id int64, within time.Duration) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/api/builds/%d/logs?follow=1", s.WebhookURL, id), nil)
	if err != nil {
		s.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		s.t.Fatalf("follow build %d: %s %s", id, resp.Status, ct)
	}
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		b.WriteString(sc.Text())
		b.WriteByte('\n')
		if sc.Text() == "event: end" {
			return b.String()
		}
	}
	s.t.Fatalf("follow build %d: the stream ended without its end event (%v):\n%s", id, sc.Err(), tail(b.String(), 20))
	return ""
}

// page is the HTML of a build's page, and how long it took to arrive.
func (s *system) page(id int64) (string, time.Duration) {
	s.t.Helper()
	start := time.Now()
	resp, err := http.Get(fmt.Sprintf("%s/builds/%d", s.WebhookURL, id))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET /builds/%d: %s, %v", id, resp.Status, err)
	}
	return string(body), took
}
