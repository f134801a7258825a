package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// follower reads a build's log as a browser's EventSource does: one GET
// with ?follow=1, reading server-sent events until "end".
type follower struct {
	body io.ReadCloser
	at   *arrivals
}

// openFollow sends the request and returns once the answer's headers are
// in: the handler has subscribed to the live log by then, so every line
// stored afterwards reaches this follower.
func openFollow(ctx context.Context, c *http.Client, url string, at *arrivals) (*follower, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"?follow=1", nil)
	if err != nil {
		return nil, fmt.Errorf("follow %s: %w", url, err)
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("follow %s: %w", url, err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		res.Body.Close()
		return nil, fmt.Errorf("follow %s: answer %s, %s", url, res.Status, res.Header.Get("Content-Type"))
	}
	return &follower{body: res.Body, at: at}, nil
}

// read takes events until the stream's end event, noting when each line's
// data arrived, before decoding it.
func (f *follower) read() error {
	defer f.body.Close()
	r := bufio.NewReader(f.body)
	event := ""
	for {
		line, err := r.ReadString('\n')
		now := time.Now()
		if err != nil {
			return fmt.Errorf("read the log stream before its end event: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			event = ""
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
			if event == "end" {
				return nil
			}
		case event == "line" && strings.HasPrefix(line, "data: "):
			var l pipeline.LogLine
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &l); err != nil {
				return fmt.Errorf("decode a streamed log line: %w", err)
			}
			f.at.add(l.Text, now)
		}
	}
}

// poll reads the log as a page without live streaming would: GET ?after=N
// every interval, from the start, until the answer says the log is
// complete.
func poll(ctx context.Context, c *http.Client, url string, every time.Duration, at *arrivals) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	var after int64
	for {
		page, now, err := getPage(ctx, c, url+"?after="+strconv.FormatInt(after, 10))
		if err != nil {
			return err
		}
		for _, l := range page.Lines {
			at.add(l.Text, now)
			after = l.Seq
		}
		if page.Complete {
			return nil
		}
		// A full page is followed at once, as a reader catching up would.
		if len(page.Lines) >= maxPage {
			continue
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("poll %s: %w", url, ctx.Err())
		case <-tick.C:
		}
	}
}

// maxPage is the most lines the JSON endpoint answers at once.
const maxPage = 1000

// logPage is the JSON answer of GET /api/builds/{id}/logs.
type logPage struct {
	Lines    []pipeline.LogLine `json:"lines"`
	Complete bool               `json:"complete"`
}

// getPage fetches one page and says when its body had arrived.
func getPage(ctx context.Context, c *http.Client, url string) (logPage, time.Time, error) {
	var page logPage
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return page, time.Time{}, fmt.Errorf("poll %s: %w", url, err)
	}
	res, err := c.Do(req)
	if err != nil {
		return page, time.Time{}, fmt.Errorf("poll %s: %w", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	now := time.Now()
	if err != nil {
		return page, now, fmt.Errorf("poll %s: %w", url, err)
	}
	if res.StatusCode != http.StatusOK {
		return page, now, fmt.Errorf("poll %s: answer %s: %s", url, res.Status, strings.TrimSpace(string(body)))
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return page, now, fmt.Errorf("poll %s: decode: %w", url, err)
	}
	return page, now, nil
}
