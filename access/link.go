// Package access decides who may read the build history: anyone a public
// repository's builds, API tokens every repository, and a signed,
// expiring link one build with its log; and who may ask the service to
// act (rebuild, cancel, roll back): API tokens of scope write.
package access

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"time"
)

// Query parameters of a signed link.
const (
	ParamExpires   = "exp"
	ParamSignature = "sig"
)

// Signer signs and verifies links to one build. The signature covers the
// build's id and the expiry, not the path, so one link opens the build's
// page, its JSON and its log stream alike. Safe for concurrent use.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer with key, which must be the same for the
// builders that sign the links and the webhook that verifies them. An
// empty key gives nil: no links are signed or accepted.
func NewSigner(key []byte) *Signer {
	if len(key) == 0 {
		return nil
	}
	return &Signer{key: key}
}

// Sign returns the query that lets its holder read build id until expires:
// exp (Unix seconds) and sig (base64url HMAC-SHA256 of
// "build:<id>:<exp>"). s must not be nil.
func (s *Signer) Sign(id int64, expires time.Time) url.Values {
	exp := expires.Unix()
	return url.Values{
		ParamExpires:   {strconv.FormatInt(exp, 10)},
		ParamSignature: {base64.RawURLEncoding.EncodeToString(s.mac(id, exp))},
	}
}

// Valid reports whether q holds a signature of build id by this key that
// has not expired at now. A nil Signer accepts nothing.
func (s *Signer) Valid(q url.Values, id int64, now time.Time) bool {
	if s == nil {
		return false
	}
	exp, err := strconv.ParseInt(q.Get(ParamExpires), 10, 64)
	if err != nil || now.Unix() >= exp {
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(q.Get(ParamSignature))
	if err != nil {
		return false
	}
	return hmac.Equal(sig, s.mac(id, exp))
}

func (s *Signer) mac(id int64, exp int64) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("build:" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(exp, 10)))
	return m.Sum(nil)
}

// LinkOf is the signed-link part of query q, exp and sig, for a page to
// carry on its own links; nil when q holds no link.
func LinkOf(q url.Values) url.Values {
	if !q.Has(ParamExpires) || !q.Has(ParamSignature) {
		return nil
	}
	return url.Values{ParamExpires: {q.Get(ParamExpires)}, ParamSignature: {q.Get(ParamSignature)}}
}
