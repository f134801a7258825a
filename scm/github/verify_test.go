package github

import (
	"errors"
	"strings"
	"testing"
)

// The signature GitHub documents for its example: secret "It's a Secret to
// Everybody", body "Hello, World!".
const (
	docSecret    = "It's a Secret to Everybody"
	docBody      = "Hello, World!"
	docSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
)

func TestSignMatchesGitHubsExample(t *testing.T) {
	if got := Sign([]byte(docSecret), []byte(docBody)); got != docSignature {
		t.Fatalf("Sign() = %s, want %s", got, docSignature)
	}
}

func TestVerify(t *testing.T) {
	secret := []byte(docSecret)
	body := fixture(t, "push_with-new-branch.json")
	good := Sign(secret, body)
	tests := []struct {
		name   string
		secret []byte
		sig    string
		body   []byte
		want   error
	}{
		{name: "GitHub's example", secret: secret, sig: docSignature, body: []byte(docBody)},
		{name: "signed push", secret: secret, sig: good, body: body},
		{name: "upper-case hex", secret: secret, sig: "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), body: body},
		{name: "surrounding spaces", secret: secret, sig: " " + good + " ", body: body},
		{name: "no secret configured", secret: nil, sig: good, body: body, want: ErrNoSecret},
		{name: "empty secret configured, unsigned delivery", secret: []byte{}, sig: "", body: body, want: ErrNoSecret},
		{name: "missing signature", secret: secret, sig: "", body: body, want: ErrMissingSignature},
		{name: "blank signature", secret: secret, sig: "   ", body: body, want: ErrMissingSignature},
		{name: "body changed", secret: secret, sig: good, body: append([]byte(" "), body...), want: ErrBadSignature},
		{name: "other secret", secret: []byte("not it"), sig: good, body: body, want: ErrBadSignature},
		{name: "truncated", secret: secret, sig: good[:len(good)-2], body: body, want: ErrBadSignature},
		{name: "not hex", secret: secret, sig: "sha256=zz", body: body, want: ErrBadSignature},
		{name: "no prefix", secret: secret, sig: strings.TrimPrefix(good, "sha256="), body: body, want: ErrBadSignature},
		{name: "legacy sha1", secret: secret, sig: "sha1=" + strings.Repeat("0", 40), body: body, want: ErrBadSignature},
		{name: "sha512 is not what GitHub sends", secret: secret, sig: "sha512=" + strings.Repeat("0", 128), body: body, want: ErrBadSignature},
		{name: "prefix only", secret: secret, sig: "sha256=", body: body, want: ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secret, tt.sig, tt.body)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify() = %v, want %v", err, tt.want)
			}
		})
	}
}
