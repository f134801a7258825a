package pipeline

import (
	"context"
	"time"
)

// LogLine is one line of a build's log, as stored, served and streamed.
type LogLine struct {
	// Seq is the line's place in its build's log, from 1, over all the
	// build's streams and attempts: a follower resumes after the last Seq
	// it has, and no line is ever given another.
	Seq int64 `json:"seq"`
	// Function names the stream: a function of the stack file, or "" for
	// the build-level stream (clone, stack file, cleanup).
	Function string    `json:"function,omitempty"`
	Step     Step      `json:"step"`
	Time     time.Time `json:"time"`
	Text     string    `json:"text"`
}

// LogReader reads the stored log of a build.
//
// ReadLog returns the lines of build id with Seq greater than after, in
// Seq order, at most limit (limit <= 0: a default page). function
// selects one stream; nil selects all of them. A build that has no lines
// yet, or no longer has any, reads as none; an unknown build is not an
// error. Safe for concurrent use.
type LogReader interface {
	ReadLog(ctx context.Context, id int64, function *string, after int64, limit int) ([]LogLine, error)
}

// LogBatch is what followers of a build's live log receive: lines just
// stored, or the news that the build has ended and its log is complete.
type LogBatch struct {
	Lines []LogLine `json:"lines,omitempty"`
	End   bool      `json:"end,omitempty"`
}
