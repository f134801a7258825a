package benchdoc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSectionMarkers(t *testing.T) {
	s := Section("livelog")
	if s.Begin() != "<!-- livelog-bench:begin -->" || s.End() != "<!-- livelog-bench:end -->" {
		t.Errorf("markers %q, %q", s.Begin(), s.End())
	}
}

func TestSectionReplace(t *testing.T) {
	s := Section("history")
	text := s.Begin() + "\nnew figures\n" + s.End() + "\n"
	other := "# Benchmarks\n\n<!-- webhook-bench:begin -->\nwebhook\n<!-- webhook-bench:end -->\n\nNotes.\n"
	tests := []struct {
		name, in, want string
	}{
		{"empty file", "", heading + text},
		{"appended after the other sections", other, other + "\n" + text},
		{"replaced in place", other + "\n" + s.Begin() + "\nold\n" + s.End() + "\nAfter.\n", other + "\n" + text + "After.\n"},
		{"replaced at the end of a file without a last newline", other + "\n" + s.Begin() + "\nold\n" + s.End(), other + "\n" + text},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Replace(tt.in, text)
			if got != tt.want {
				t.Errorf("Replace:\n got %q\nwant %q", got, tt.want)
			}
			if again := s.Replace(got, text); again != got {
				t.Errorf("a second rewrite changed the file:\n%q", again)
			}
			if strings.Count(got, s.Begin()) != 1 {
				t.Errorf("want one section, got %d", strings.Count(got, s.Begin()))
			}
		})
	}
}

func TestSectionWrite(t *testing.T) {
	s := Section("localfaas")
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	for _, figures := range []string{"first", "second"} {
		if err := s.Write(path, s.Begin()+"\n"+figures+"\n"+s.End()+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := heading + s.Begin() + "\nsecond\n" + s.End() + "\n"; string(got) != want {
		t.Errorf("file:\n got %q\nwant %q", got, want)
	}
	if err := s.Write(filepath.Join(path, "not-a-dir.md"), "x"); err == nil {
		t.Error("Write into a file's path: no error")
	}
}
