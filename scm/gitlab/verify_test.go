package gitlab

import (
	"errors"
	"testing"
)

func TestVerify(t *testing.T) {
	const token = "s3cr3t-t0ken"
	tests := []struct {
		name     string
		expected string
		header   string
		want     error
	}{
		{name: "right token", expected: token, header: token},
		{name: "token with spaces inside", expected: "a b", header: "a b"},
		{name: "no token configured", expected: "", header: token, want: ErrNoToken},
		{name: "no token configured, none sent", expected: "", header: "", want: ErrNoToken},
		{name: "missing header", expected: token, header: "", want: ErrBadToken},
		{name: "wrong token", expected: token, header: "s3cr3t-t0kem", want: ErrBadToken},
		{name: "prefix of the token", expected: token, header: token[:len(token)-1], want: ErrBadToken},
		{name: "token and more", expected: token, header: token + "x", want: ErrBadToken},
		{name: "other case", expected: token, header: "S3CR3T-T0KEN", want: ErrBadToken},
		{name: "surrounding spaces", expected: token, header: " " + token + " ", want: ErrBadToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.expected, tt.header)
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

func TestVerifyErrorsAreDistinct(t *testing.T) {
	if errors.Is(ErrNoToken, ErrBadToken) || errors.Is(ErrBadToken, ErrNoToken) {
		t.Fatal("ErrNoToken and ErrBadToken must be told apart: one is 503, the other 401")
	}
	if got := ErrNoToken.Error(); got != "GitLab webhook token is not configured" {
		t.Errorf("ErrNoToken = %q", got)
	}
}
