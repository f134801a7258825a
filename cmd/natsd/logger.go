package main

import (
	"fmt"
	"log/slog"
)

// slogLogger sends the server's printf-style logging to slog, so natsd logs
// in the same format as the rest of the system.
type slogLogger struct {
	log *slog.Logger
}

func (l slogLogger) Noticef(format string, v ...any) { l.log.Info(fmt.Sprintf(format, v...)) }
func (l slogLogger) Warnf(format string, v ...any)   { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l slogLogger) Errorf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l slogLogger) Debugf(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l slogLogger) Tracef(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }

// Fatalf only logs: natsd decides itself when to exit, through the errors
// the server returns, rather than letting a library call os.Exit.
func (l slogLogger) Fatalf(format string, v ...any) { l.log.Error(fmt.Sprintf(format, v...)) }
