package main

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestMirrored(t *testing.T) {
	tests := []struct{ image, want string }{
		{"node:20-bookworm-slim", "127.0.0.1:5000/library/node:20-bookworm-slim"},
		{"docker.io/library/python:3.11-slim-bookworm", "127.0.0.1:5000/library/python:3.11-slim-bookworm"},
		{"debian", "127.0.0.1:5000/library/debian:latest"},
		{"acme/base:1", "127.0.0.1:5000/acme/base:1"},
		{"ghcr.io/acme/base:1", "ghcr.io/acme/base:1"},
	}
	for _, tt := range tests {
		if got, err := mirrored(tt.image, "127.0.0.1:5000"); err != nil || got != tt.want {
			t.Errorf("mirrored(%q) = %q, %v; want %q", tt.image, got, err, tt.want)
		}
	}
}

func TestSharesBase(t *testing.T) {
	h := func(s string) v1.Hash { return v1.Hash{Algorithm: "sha256", Hex: s} }
	base := weight{layers: []v1.Hash{h("a"), h("b")}}
	if !sharesBase(weight{layers: []v1.Hash{h("a"), h("b"), h("c")}}, base) {
		t.Error("an image on its base does not share it")
	}
	if sharesBase(weight{layers: []v1.Hash{h("a"), h("c"), h("b")}}, base) || sharesBase(weight{layers: []v1.Hash{h("a")}}, base) {
		t.Error("an image without the base's layers in order shares it")
	}
}
