package github

import (
	"bytes"
	"errors"
	"net/url"
	"testing"
)

func TestPayload(t *testing.T) {
	body := fixture(t, "push_with-new-branch.json")
	form := []byte(url.Values{"payload": {string(body)}}.Encode())
	tests := []struct {
		name, contentType string
		body              []byte
		want              []byte
	}{
		{"JSON", "application/json", body, body},
		{"JSON with charset", "application/json; charset=utf-8", body, body},
		{"form", "application/x-www-form-urlencoded", form, body},
		{"no content type", "", body, nil},
		{"other content type", "text/plain", body, nil},
		{"broken form", "application/x-www-form-urlencoded", []byte("payload=%zz"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Payload(tt.contentType, tt.body)
			if tt.want == nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Payload() error = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Fatalf("Payload() = %.40q, %v; want the JSON payload", got, err)
			}
		})
	}
}
