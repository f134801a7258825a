package main

import "testing"

func TestShipBase(t *testing.T) {
	tests := []struct {
		name, dockerfile string
		args             map[string]string
		want             string
	}{
		{"last stage", "FROM --platform=${TARGETPLATFORM:-linux/amd64} ghcr.io/openfaas/of-watchdog:0.11.3 AS watchdog\n" +
			"FROM --platform=${TARGETPLATFORM:-linux/amd64} node:20-bookworm-slim AS ship\nCOPY --from=watchdog /fwatchdog /usr/bin/\n",
			nil, "node:20-bookworm-slim"},
		{"a stage from an earlier one, a global ARG", "ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim-bookworm AS build\n" +
			"RUN true\nFROM build AS ship\n", nil, "python:3.11-slim-bookworm"},
		{"a build argument overrides the default", "ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim-bookworm\n",
			map[string]string{"PYTHON_VERSION": "3.12"}, "python:3.12-slim-bookworm"},
		{"an ARG inside a stage does not reach a FROM", "ARG V=1\nFROM a:$V AS one\nARG V=2\nFROM b:${V}\n", nil, "b:1"},
		{"continued lines and comments", "# the build\nFROM golang:1.26 \\\n  AS build\nFROM \\\n  debian:bookworm-slim AS ship\n", nil, "debian:bookworm-slim"},
		{"stage names are case-insensitive", "FROM busybox AS Base\nFROM base\n", nil, "busybox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := shipBase([]byte(tt.dockerfile), tt.args)
			if err != nil || got != tt.want {
				t.Errorf("shipBase = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	for _, df := range []string{"", "# nothing\n", "FROM golang AS build\nFROM scratch\n"} {
		if got, err := shipBase([]byte(df), nil); err == nil {
			t.Errorf("shipBase(%q) = %q, want an error", df, got)
		}
	}
}
