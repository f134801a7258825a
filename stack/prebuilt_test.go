package stack

import (
	"context"
	"testing"
	"testing/fstest"
)

// Functions faas-cli deploys without building them: no lang (it says
// "Please provide a valid language" and builds nothing), or skip_build.
func TestParsePrebuilt(t *testing.T) {
	src := `functions:
  cron:
    image: functions/nodeinfo:latest
    annotations:
      topic: cron-function
  old:
    lang: dockerfile
    image: functions/alpine:latest
    fprocess: cat
    skip_build: true
  hash:
    skip_build: true
    image: ghcr.io/openfaas/alpine:latest
    handler: ./nope/../../../outside
  built:
    lang: go
    handler: ./built
    image: ignored:latest
`
	s, err := Parse([]byte(src), nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	for name, want := range map[string]bool{"cron": true, "old": true, "hash": true, "built": false} {
		if got := s.Functions[name].Prebuilt; got != want {
			t.Errorf("%s: Prebuilt = %v, want %v", name, got, want)
		}
	}
	if fn := s.Functions["old"]; fn.Lang != "dockerfile" || fn.Image != "functions/alpine:latest" || fn.FProcess != "cat" {
		t.Errorf("old = %+v", fn)
	}
	if len(s.Warnings) != 0 {
		t.Errorf("warnings: %v", s.Warnings)
	}
}

// A pinned template keeps its name and its ref apart.
func TestParsePinnedLang(t *testing.T) {
	src := "functions:\n  a:\n    lang: golang-middleware@0.9.0\n    handler: ./a\n" +
		"  b:\n    lang: golang-middleware@sha-2e6e262\n    handler: ./b\n" +
		"  c:\n    lang: Dockerfile@v1\n    handler: ./c\n" +
		"  d:\n    lang: node20@feature/x\n    handler: ./d\n" +
		"  e:\n    lang: go\n    handler: ./e\n"
	s, err := Parse([]byte(src), nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := map[string][2]string{
		"a": {"golang-middleware", "0.9.0"}, "b": {"golang-middleware", "sha-2e6e262"},
		"c": {"dockerfile", "v1"}, "d": {"node20", "feature/x"}, "e": {"go", ""},
	}
	for name, w := range want {
		if fn := s.Functions[name]; fn.Lang != w[0] || fn.LangRef != w[1] {
			t.Errorf("%s: Lang %q LangRef %q, want %q %q", name, fn.Lang, fn.LangRef, w[0], w[1])
		}
	}
}

// Load does not look for the handler of a function it will not build.
func TestLoadPrebuiltHasNoHandler(t *testing.T) {
	fsys := fstest.MapFS{"stack.yml": file("functions:\n  hash:\n    skip_build: true\n    lang: go\n    handler: ./gone\n    image: ghcr.io/openfaas/alpine:latest\n")}
	s, err := Load(context.Background(), fsys, "", nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !s.Functions["hash"].Prebuilt {
		t.Error("skip_build function is not Prebuilt")
	}
}
