package api

import (
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// LogRemovedNote tells a reader that build b's log was removed by the
// retention policy, when and why, so that an empty log is not taken for a
// build that wrote nothing or a log that failed to load; "" while b keeps
// its log.
func LogRemovedNote(b pipeline.Build) string {
	if b.LogRemovedAt == nil {
		return ""
	}
	note := "This log was removed by the retention policy on " + b.LogRemovedAt.UTC().Format(time.DateOnly)
	if b.LogRemovedWhy != "" {
		note += " (" + b.LogRemovedWhy + ")"
	}
	return note + "."
}

// logRemoval is what the log's JSON and its end event say of a log the
// retention policy removed; empty, it adds nothing to them.
type logRemoval struct {
	LogRemovedAt *time.Time `json:"log_removed_at,omitempty"`
	LogRemoved   string     `json:"log_removed,omitempty"`
}

func logRemovalOf(b pipeline.Build) logRemoval {
	return logRemoval{LogRemovedAt: b.LogRemovedAt, LogRemoved: LogRemovedNote(b)}
}
