package template

import (
	"reflect"
	"testing"
)

func TestWatchdogs(t *testing.T) {
	tests := []struct {
		name string
		df   string
		args map[string]string
		want map[string]string
	}{
		{"OpenFaaS's node20", "FROM --platform=${TARGETPLATFORM:-linux/amd64} ghcr.io/openfaas/of-watchdog:0.10.9 AS watchdog\nFROM --platform=${TARGETPLATFORM:-linux/amd64} node:20-alpine AS ship\n",
			nil, map[string]string{"ghcr.io/openfaas/of-watchdog:0.10.9": OfWatchdog}},
		{"classic on Docker Hub, lower case", "from docker.io/openfaas/classic-watchdog:0.1.4 as watchdog\nFROM alpine\n",
			nil, map[string]string{"openfaas/classic-watchdog:0.1.4": ClassicWatchdog}},
		{"tag from a global ARG and a build arg", "ARG WD_VERSION=0.9.0 OTHER\nFROM ghcr.io/openfaas/of-watchdog:${WD_VERSION} as watchdog\nARG LATER=1\n",
			map[string]string{"WD_VERSION": "0.11.3"}, map[string]string{"ghcr.io/openfaas/of-watchdog:0.11.3": OfWatchdog}},
		{"default of an unset ARG", "FROM ghcr.io/openfaas/of-watchdog:${V:-0.9.1} AS w\n",
			nil, map[string]string{"ghcr.io/openfaas/of-watchdog:0.9.1": OfWatchdog}},
		{"latest is named without its tag", "FROM ghcr.io/openfaas/of-watchdog:latest AS w\n",
			nil, map[string]string{"ghcr.io/openfaas/of-watchdog": OfWatchdog}},
		{"a mirror's copy", "FROM registry.internal/openfaas/of-watchdog:0.9.2 AS w\n",
			nil, map[string]string{"registry.internal/openfaas/of-watchdog:0.9.2": OfWatchdog}},
		{"continued line and comment", "# FROM ghcr.io/openfaas/of-watchdog:0.1 AS no\nFROM \\\n  ghcr.io/openfaas/classic-watchdog:0.3.1 \\\n  AS watchdog\n",
			nil, map[string]string{"ghcr.io/openfaas/classic-watchdog:0.3.1": ClassicWatchdog}},
		{"others are left alone", "FROM golang:1.26 AS build\nFROM someone/of-watchdog:1 AS w\nFROM openfaas/of-watchdog-extra:1\n",
			nil, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Watchdogs([]byte(tt.df), tt.args); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Watchdogs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnknownNamesTheNearest(t *testing.T) {
	avail := []string{"dockerfile", "go", "golang-middleware", "node20", "python3", "python3-flask", "python3-http"}
	for lang, want := range map[string]string{
		"node22": "node20", "node18": "node20", "python3-http-debian": "python3-http",
		"python3-flask-debian": "python3-flask", "golang-http": "golang-middleware", "pyhton3": "python3",
		"java11": "", "csharp": "", "rust": "",
	} {
		if got := nearest(lang, avail); got != want {
			t.Errorf("nearest(%q) = %q, want %q", lang, got, want)
		}
	}
}

func TestStages(t *testing.T) {
	df := "ARG PY=3.11\nFROM ghcr.io/openfaas/of-watchdog:0.11.3 AS watchdog\nFROM python:${PY}-slim-bookworm AS build\nRUN x\nFROM build AS ship\n"
	want := []Stage{
		{Name: "watchdog", From: "ghcr.io/openfaas/of-watchdog:0.11.3", Image: "ghcr.io/openfaas/of-watchdog:0.11.3"},
		{Name: "build", From: "python:3.12-slim-bookworm", Image: "python:3.12-slim-bookworm"},
		{Name: "ship", From: "build", Image: "python:3.12-slim-bookworm"},
	}
	if got := Stages([]byte(df), map[string]string{"PY": "3.12"}); !reflect.DeepEqual(got, want) {
		t.Errorf("Stages = %+v\nwant %+v", got, want)
	}
}

// FuzzStages reads Dockerfiles as users push them: whatever the text,
// reading its stages neither panics nor names a stage FROM nothing.
func FuzzStages(f *testing.F) {
	f.Add("ARG V=1\nFROM ghcr.io/openfaas/of-watchdog:${V} AS w\nFROM w AS ship\n", "V", "2")
	f.Add("FROM --platform=$BUILDPLATFORM golang:1.26 AS build \\\n  # comment\nFROM scratch\n", "", "")
	f.Add("from ${A:-x}${B:+y}$C\n", "A", "")
	f.Fuzz(func(t *testing.T, dockerfile, arg, value string) {
		for _, st := range Stages([]byte(dockerfile), map[string]string{arg: value}) {
			if st.From == "" && st.Image != "" {
				t.Errorf("stage %+v has an image but starts from nothing", st)
			}
		}
		_ = Watchdogs([]byte(dockerfile), map[string]string{arg: value})
	})
}
