package github

import (
	"fmt"
	"mime"
	"net/url"
)

// Payload returns the JSON payload of a delivery's verified raw body. A
// webhook may be set to send application/x-www-form-urlencoded, where the
// JSON is the "payload" field; GitHub signs the raw body either way, so
// Verify reads the raw body and Parse this payload. A JSON payload is body
// itself, not a copy. An unsupported content type wraps ErrMalformed.
func Payload(contentType string, body []byte) ([]byte, error) {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("%w: content type %s: %v", ErrMalformed, quote(contentType), err)
	}
	switch mediaType {
	case "application/json":
		return body, nil
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("%w: form body: %v", ErrMalformed, err)
		}
		return []byte(form.Get("payload")), nil
	default:
		return nil, fmt.Errorf("%w: unsupported content type %s", ErrMalformed, quote(mediaType))
	}
}
