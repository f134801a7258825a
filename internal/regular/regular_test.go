package regular

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadFile(t *testing.T) {
	fsys := fstest.MapFS{
		"small": {Data: []byte("abc")},
		"big":   {Data: []byte(strings.Repeat("x", 100))},
		"dir":   {Mode: 0o755 | 1<<31},
	}
	if got, err := ReadFile(fsys, "small", 10); err != nil || string(got) != "abc" {
		t.Errorf("small: %q, %v", got, err)
	}
	// One byte past the limit says the file is too big.
	if got, err := ReadFile(fsys, "big", 10); err != nil || len(got) != 11 {
		t.Errorf("big: %d bytes, %v; want 11", len(got), err)
	}
	if _, err := ReadFile(fsys, "dir", 10); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("dir: %v", err)
	}
	if _, err := ReadFile(fsys, "missing", 10); err == nil {
		t.Error("missing: no error")
	}
}
