package gitlab

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
)

// Headers of a GitLab webhook delivery.
const (
	// TokenHeader carries the secret token set on the webhook, as is:
	// GitLab does not sign deliveries.
	TokenHeader = "X-Gitlab-Token"
	// EventHeader names the event, e.g. "Push Hook".
	EventHeader = "X-Gitlab-Event"
	// DeliveryHeader is the id of the delivery; a retried delivery
	// carries the same one.
	DeliveryHeader = "X-Gitlab-Event-UUID"
)

// Errors returned by Verify.
var (
	// ErrNoToken means the service was started without a webhook token.
	// It is a configuration error: a delivery is never accepted without
	// one, so the handler refuses every delivery (503) until it is set.
	ErrNoToken = errors.New("GitLab webhook token is not configured")
	// ErrBadToken means the delivery carried no X-Gitlab-Token, or not
	// the configured one. The handler answers 401.
	ErrBadToken = errors.New("missing or wrong " + TokenHeader)
)

// Verify checks header, the value of X-Gitlab-Token, against expected,
// the token configured on the webhook. The comparison takes constant
// time, whatever the lengths: both sides are hashed first, since
// subtle.ConstantTimeCompare returns early on a length mismatch and would
// tell the token's length.
func Verify(expected string, header string) error {
	if expected == "" {
		return ErrNoToken
	}
	if header == "" {
		return ErrBadToken
	}
	want, got := sha256.Sum256([]byte(expected)), sha256.Sum256([]byte(header))
	if subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
		return ErrBadToken
	}
	return nil
}
