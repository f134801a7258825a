package logs

import (
	"slices"
	"strings"
	"sync"
)

// Mask replaces every secret in a log line.
const Mask = "***"

// minSecret is the shortest value redacted: masking every "a" or "12"
// would leave no log to read, and a secret that short is guessed anyway.
const minSecret = 6

// maxSecrets bounds the values a long-running builder remembers: installation
// tokens come and go every hour, and the oldest are expired by then.
const maxSecrets = 1024

// Redactor replaces known secret values in text with Mask. The zero value
// knows none. Safe for concurrent use.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string // oldest first
	r       *strings.Replacer
}

// Add makes r mask each value from now on. Values shorter than 6 bytes are
// ignored; a value with several lines is masked line by line too, since
// logs are split into lines before they are redacted.
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, v := range values {
		for _, part := range append(strings.Split(v, "\n"), v) {
			part = strings.TrimSpace(part)
			if len(part) < minSecret {
				continue
			}
			if i := slices.Index(r.secrets, part); i >= 0 {
				// Seen again, it is in use: the newest to forget.
				r.secrets = append(slices.Delete(r.secrets, i, i+1), part)
				continue
			}
			r.secrets = append(r.secrets, part)
			changed = true
		}
	}
	if !changed {
		return
	}
	if n := len(r.secrets) - maxSecrets; n > 0 {
		r.secrets = slices.Delete(r.secrets, 0, n)
	}
	// Longest first, so that a secret containing another is masked whole.
	byLength := slices.Clone(r.secrets)
	slices.SortFunc(byLength, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(byLength))
	for _, s := range byLength {
		pairs = append(pairs, s, Mask)
	}
	r.r = strings.NewReplacer(pairs...)
}

// Redact returns text with every secret replaced by Mask.
func (r *Redactor) Redact(text string) string {
	r.mu.RLock()
	rep := r.r
	r.mu.RUnlock()
	if rep == nil {
		return text
	}
	return rep.Replace(text)
}
