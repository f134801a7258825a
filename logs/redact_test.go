package logs

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestRedactor(t *testing.T) {
	var r Redactor
	if got := r.Redact("nothing known yet"); got != "nothing known yet" {
		t.Errorf("the zero Redactor changed the text: %q", got)
	}
	r.Add("ghp_0123456789abcdef", "short", "", "s3cr3t-value", "s3cr3t-value-longer", "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END KEY-----")
	cases := map[string]string{
		"token=ghp_0123456789abcdef;":              "token=***;",
		"ghp_0123456789abcdefghp_0123456789abcdef": "******",
		"s3cr3t-value-longer and s3cr3t-value":     "*** and ***",
		"short is too short to mask":               "short is too short to mask",
		"key line MIIEvQIBADANBgkqhkiG9w0B":        "key line ***",
	}
	for in, want := range cases {
		if got := r.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactorForgetsTheOldestPastItsBound(t *testing.T) {
	var r Redactor
	for i := range maxSecrets + 10 {
		r.Add(fmt.Sprintf("token-%06d", i))
	}
	if got := r.Redact("token-000000"); got != "token-000000" {
		t.Errorf("the oldest secret is still masked: %q", got)
	}
	last := fmt.Sprintf("token-%06d", maxSecrets+9)
	if got := r.Redact(last); got != Mask {
		t.Errorf("the newest secret is not masked: %q", got)
	}
}

// A secret added again, as a repository's build secret is at each of its
// builds, is in use: the values added since do not push it out.
func TestRedactorKeepsASecretAddedAgain(t *testing.T) {
	var r Redactor
	r.Add("build-secret")
	for i := range maxSecrets + 10 {
		r.Add(fmt.Sprintf("token-%06d", i))
		if i%100 == 0 {
			r.Add("build-secret")
		}
	}
	if got := r.Redact("build-secret"); got != Mask {
		t.Errorf("a secret added again was forgotten: %q", got)
	}
}

func TestRedactorIsSafeForConcurrentUse(t *testing.T) {
	var r Redactor
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); r.Add(fmt.Sprintf("concurrent-%d", i)) }()
		go func() { defer wg.Done(); _ = r.Redact(strings.Repeat("concurrent-1 ", 10)) }()
	}
	wg.Wait()
	if got := r.Redact("concurrent-3"); got != Mask {
		t.Errorf("Redact = %q after concurrent adds", got)
	}
}
