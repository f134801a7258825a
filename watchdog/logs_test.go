package watchdog

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestLineWriter(t *testing.T) {
	at := time.Date(2026, 4, 24, 21, 0, 4, 0, time.UTC)
	tests := []struct {
		name   string
		prefix bool
		max    int
		writes []string
		want   string
	}{
		{"prefixed as the standard logger", true, 64, []string{"hello\n"}, "2026/04/24 21:00:04 stderr: hello\n"},
		{"raw without prefix_logs", false, 64, []string{`{"msg": "json"}` + "\n"}, `{"msg": "json"}` + "\n"},
		{"lines split across writes", false, 64, []string{"he", "llo\nwor", "ld\n"}, "hello\nworld\n"},
		{"last line without newline on close", false, 64, []string{"a\nb"}, "a\nb\n"},
		{"long lines cut at log_buffer_size", false, 4, []string{"abcdefghij\n"}, "abcd\nefgh\nij\n"},
		{"long partial lines cut too", false, 4, []string{"abcde", "fgh", "ij\n"}, "abcd\nefgh\nij\n"},
		{"a line of exactly the size", false, 4, []string{"abcd", "\n"}, "abcd\n"},
		{"unbounded", false, -1, []string{strings.Repeat("x", 100) + "\n"}, strings.Repeat("x", 100) + "\n"},
		{"empty lines kept", false, 64, []string{"\n\n"}, "\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			sink := newLogSink(&out, tt.prefix)
			sink.now = func() time.Time { return at }
			lw := newLineWriter(sink, "stderr", tt.max)
			for _, w := range tt.writes {
				if n, err := lw.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			_ = lw.Close()
			if out.String() != tt.want {
				t.Errorf("logged %q, want %q", out.String(), tt.want)
			}
		})
	}
}
