package github

import (
	"bytes"
	"fmt"
	"mime"

	gh "github.com/google/go-github/v60/github"
)

// Payload returns the JSON payload of a delivery's verified raw body. A
// webhook may be set to send application/x-www-form-urlencoded, where the
// JSON is the "payload" field; GitHub signs the raw body either way, so
// Verify reads the raw body and Parse this payload. An unsupported content
// type wraps ErrMalformed.
func Payload(contentType string, body []byte) ([]byte, error) {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("%w: content type %s: %v", ErrMalformed, quote(contentType), err)
	}
	// The signature is already checked: no secret here, so none is checked again.
	payload, err := gh.ValidatePayloadFromBody(mediaType, bytes.NewReader(body), "", nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return payload, nil
}
