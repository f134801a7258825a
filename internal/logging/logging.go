// Package logging builds the service's slog logger.
package logging

import (
	"io"
	"log/slog"
)

// New returns a JSON logger, or a text one when format is "text" (easier
// to read in a terminal during the demo).
func New(w io.Writer, format string) *slog.Logger {
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}
