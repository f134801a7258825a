// Package github turns GitHub webhook deliveries into pipeline events: it
// checks a delivery's signature and normalises pushes, pull requests,
// branch deletions and re-requested checks into pipeline.Events, telling
// apart bodies that are broken from events the service does not act on.
// It also gives GitHub App installation tokens (AppTokens).
package github

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// SignatureHeader is the header GitHub signs deliveries in.
const SignatureHeader = gh.SHA256SignatureHeader

const signaturePrefix = "sha256="

// Errors returned by Verify. Each is wrapped, so test with errors.Is.
var (
	// ErrNoSecret means the service was started without a webhook secret.
	// It is a configuration error: an unsigned delivery is never accepted.
	ErrNoSecret = errors.New("no webhook secret configured")
	// ErrMissingSignature means the delivery carried no X-Hub-Signature-256.
	ErrMissingSignature = errors.New("missing " + SignatureHeader)
	// ErrBadSignature means the signature is malformed or does not match
	// the body under the configured secret.
	ErrBadSignature = errors.New("bad " + SignatureHeader)
)

// Verify checks signatureHeader, the value of X-Hub-Signature-256, against
// the HMAC-SHA256 of body under secret. Only SHA-256 signatures are
// accepted: the legacy SHA-1 header is weaker and GitHub always sends both.
// The comparison takes constant time.
func Verify(secret []byte, signatureHeader string, body []byte) error {
	if len(secret) == 0 {
		return ErrNoSecret
	}
	sig := strings.TrimSpace(signatureHeader)
	if sig == "" {
		return ErrMissingSignature
	}
	// go-github accepts sha1= and sha512= too; the header we read only ever
	// carries sha256, so anything else is a forgery or a misconfiguration.
	if !strings.HasPrefix(sig, signaturePrefix) {
		return fmt.Errorf("%w: want a %q prefix", ErrBadSignature, signaturePrefix)
	}
	if err := gh.ValidateSignature(sig, body, secret); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return nil
}

// Sign returns the X-Hub-Signature-256 value GitHub would send for body
// under secret: "sha256=" and the hex HMAC-SHA256. Tests and the demo use it
// to send deliveries as GitHub does.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil))
}
