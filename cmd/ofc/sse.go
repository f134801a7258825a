package main

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
)

// The stream is read here with bufio rather than with an SSE library
// (github.com/tmaxmax/go-sse, github.com/r3labs/sse). The part of the
// protocol the service speaks is four fields and a blank line; what
// matters is around it — resuming after the last line printed, stopping
// at the "end" event, giving up on a 404 at once and on a dead service
// after a bounded wait — and those libraries own their reconnect loops,
// which would have to be bent to each of these. Thirty lines of parsing
// keep that loop, in follow.go, plain and tested.

// maxEventLine bounds one line of the stream; a log line is far shorter.
const maxEventLine = 1 << 20

// event is one server-sent event.
type event struct {
	// Name is the "event" field, "message" when the server gives none.
	Name string
	Data string
	// ID and Retry are the last the stream gave, as the protocol carries
	// them over from one event to the next; Retry is 0 until it gives one.
	ID    string
	Retry time.Duration
}

// readEvents reads a text/event-stream from r and calls fn for each event,
// until r ends (nil) or fails, or fn returns an error, which it returns.
// Lines end with "\n" or "\r\n"; a lone "\r", which the service never
// sends, is not taken for a line end.
func readEvents(r io.Reader, fn func(event) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventLine)
	var ev event
	var data []string
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if data != nil {
				ev.Data = strings.Join(data, "\n")
				if ev.Name == "" {
					ev.Name = "message"
				}
				if err := fn(ev); err != nil {
					return err
				}
			}
			ev, data = event{ID: ev.ID, Retry: ev.Retry}, nil
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "": // a comment, such as a keep-alive
		case "event":
			ev.Name = value
		case "data":
			data = append(data, value)
		case "id":
			if !strings.ContainsRune(value, 0) {
				ev.ID = value
			}
		case "retry":
			if ms, err := strconv.Atoi(value); err == nil && ms >= 0 {
				ev.Retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
	return sc.Err()
}
