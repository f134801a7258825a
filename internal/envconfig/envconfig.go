// Package envconfig reads OFC_* configuration through a lookup function,
// so that commands read the process environment and tests pass a map.
package envconfig

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Lookup is os.LookupEnv or a test's map.
type Lookup func(key string) (string, bool)

// Map adapts a map to a Lookup.
func Map(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// Reader reads typed values and collects every error, so that a command
// reports all of its bad settings at once.
type Reader struct {
	look Lookup
	errs []error
}

// New returns a Reader over look.
func New(look Lookup) *Reader { return &Reader{look: look} }

// String returns key's value, or def when unset or empty.
func (r *Reader) String(key, def string) string {
	if v, ok := r.look(key); ok && v != "" {
		return v
	}
	return def
}

// Required returns key's value and records an error when it is empty.
func (r *Reader) Required(key, why string) string {
	v := r.String(key, "")
	if v == "" {
		r.errs = append(r.errs, fmt.Errorf("%s is required: %s", key, why))
	}
	return v
}

// Int returns key's value as an int, or def.
func (r *Reader) Int(key string, def int) int {
	s := r.String(key, "")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s=%q: not a whole number", key, s))
		return def
	}
	return n
}

// Duration returns key's value as a time.Duration ("90s", "5m"), or def.
func (r *Reader) Duration(key string, def time.Duration) time.Duration {
	s := r.String(key, "")
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		r.errs = append(r.errs, fmt.Errorf("%s=%q: not a duration such as 30s or 5m", key, s))
		return def
	}
	return d
}

// Bool returns key's value as a bool ("true", "1", "false", "0"), or def.
func (r *Reader) Bool(key string, def bool) bool {
	s := r.String(key, "")
	if s == "" {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s=%q: not true or false", key, s))
		return def
	}
	return b
}

// Pairs returns key's value read as "k1=v1,k2=v2", or an empty map.
func (r *Reader) Pairs(key string) map[string]string {
	out := map[string]string{}
	s := r.String(key, "")
	if s == "" {
		return out
	}
	for _, item := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || k == "" || v == "" {
			r.errs = append(r.errs, fmt.Errorf("%s: %q is not name=value", key, item))
			continue
		}
		out[k] = v
	}
	return out
}

// Err is every error recorded so far, joined, or nil.
func (r *Reader) Err() error { return errors.Join(r.errs...) }
