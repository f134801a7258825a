package pipeline

import "errors"

// ErrNotFound is wrapped by stores when a record does not exist.
var ErrNotFound = errors.New("not found")

// ErrSecretNotFound is wrapped by a SecretSource when a repository has no
// value for a build secret its stack file asks for.
var ErrSecretNotFound = errors.New("build secret not configured")

// SupersededError says a newer push of the same branch or pull request,
// at commit By, made a build pointless, or a user cancelled it: By is
// then CancelledBy(the user).
type SupersededError struct{ By string }

func (e *SupersededError) Error() string {
	if e.Cancelled() {
		return e.By
	}
	return "superseded by " + e.By
}

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

// Summarizer is implemented by errors that can say in one short line what
// went wrong for the user, such as the compiler's first complaint, for
// places with little room: a commit status's description.
type Summarizer interface {
	Summary() string
}

// Summary is err's own summary when it has one, else the last lines of
// its message, where a failed command puts what matters.
func Summary(err error) string {
	var s Summarizer
	if errors.As(err, &s) {
		if sum := s.Summary(); sum != "" {
			return sum
		}
	}
	return lastLines(err.Error(), 3)
}
