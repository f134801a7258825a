package access

import (
	"bytes"
	"fmt"
	"os"
)

// MinKeyLen is the shortest link key accepted, in bytes.
const MinKeyLen = 32

// ReadKey reads the key that signs links from path. Whitespace around it
// is dropped, so a key written by `openssl rand -hex 32 > file` and one
// edited by hand read the same. An empty path is no key: nil, nil.
func ReadKey(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read link key: %w", err)
	}
	key := bytes.TrimSpace(b)
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("link key %s: %d bytes, want at least %d (openssl rand -hex 32)", path, len(key), MinKeyLen)
	}
	return key, nil
}
