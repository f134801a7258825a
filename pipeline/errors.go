package pipeline

import "errors"

// ErrNotFound is wrapped by stores when a record does not exist.
var ErrNotFound = errors.New("not found")

// transientError marks an error that may go away by itself: a dependency
// that is down, a network that failed. The queue retries such builds.
type transientError struct{ err error }

func (e transientError) Error() string { return e.err.Error() }
func (e transientError) Unwrap() error { return e.err }

// Transient marks err as worth retrying. Transient(nil) is nil.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return transientError{err}
}

// IsTransient reports whether err, or an error it wraps, was marked
// Transient.
func IsTransient(err error) bool {
	var t transientError
	return errors.As(err, &t)
}
