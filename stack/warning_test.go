package stack

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// Fields faas-cli ignores are ignored, and said: the stack is used, and
// each unknown field is a warning with its line, function and field.
func TestParseWarnings(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Warning
	}{
		{"watchdog timeouts beside lang", "functions:\n  api:\n    lang: go\n    handler: ./api\n    read_timeout: 300s\n    exec_timeout: 300s\n", []Warning{
			{Line: 5, Function: "api", Field: "read_timeout", Msg: `unknown field "read_timeout" is ignored: the watchdog reads read_timeout from the function's "environment"`},
			{Line: 6, Function: "api", Field: "exec_timeout", Msg: `unknown field "exec_timeout" is ignored: the watchdog reads exec_timeout from the function's "environment"`},
		}},
		{"a Kubernetes field", "functions:\n  api:\n    lang: go\n    handler: ./api\n    imagePullPolicy: Always\n", []Warning{
			{Line: 5, Function: "api", Field: "imagePullPolicy", Msg: `unknown field "imagePullPolicy" is ignored`},
		}},
		{"a typo next to the right field", "functions:\n  api:\n    lang: go\n    handler: ./api\n    handlr: ./x\n", []Warning{
			{Line: 5, Function: "api", Field: "handlr", Msg: `unknown field "handlr" is ignored: did you mean "handler"?`},
		}},
		{"a limit", "functions:\n  api:\n    lang: go\n    handler: ./api\n    limits:\n      memory: 1Gi\n      gpu: 1\n", []Warning{
			{Line: 7, Function: "api", Field: "limits.gpu", Msg: `unknown field "limits.gpu" is ignored`},
		}},
		{"provider and configuration", "provider:\n  name: openfaas\n  regin: eu\nconfiguration:\n  templates:\n    - name: go\n      sorce: x\n  cpy: [a]\n" +
			"functions:\n  api:\n    lang: go\n    handler: ./api\n", []Warning{
			{Line: 3, Field: "provider.regin", Msg: `unknown field "provider.regin" is ignored`},
			{Line: 7, Field: "configuration.templates.sorce", Msg: `unknown field "configuration.templates.sorce" is ignored: did you mean "source"?`},
			{Line: 8, Field: "configuration.cpy", Msg: `unknown field "configuration.cpy" is ignored: did you mean "copy"?`},
		}},
		// A compose-style block of shared settings: the block is unknown,
		// and so is what it gives a function that a function does not have.
		{"an x- anchor block merged into functions", "x-common: &common\n  timeout: 10s\n  environment:\n    LEVEL: info\n" +
			"functions:\n  api:\n    <<: *common\n    lang: go\n    handler: ./api\n  worker:\n    <<: *common\n    lang: go\n    handler: ./worker\n", []Warning{
			{Line: 1, Field: "x-common", Msg: `unknown field "x-common" is ignored`},
			{Line: 2, Field: "timeout", Msg: `unknown field "timeout" is ignored`},
		}},
		{"a handler with no lang", "functions:\n  api:\n    handler: ./api\n    image: ghcr.io/me/api:1.0\n", []Warning{
			{Line: 3, Function: "api", Field: "handler", Msg: `"handler" is ignored: with no "lang" the function is not built but deployed from its image "ghcr.io/me/api:1.0"`},
		}},
		{"nothing unknown", "functions:\n  api:\n    lang: go\n    handler: ./api\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.src), nil)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(s.Warnings, tt.want) {
				t.Errorf("warnings =\n%s\nwant\n%s", fmtWarnings(s.Warnings), fmtWarnings(tt.want))
			}
		})
	}
	// The environment in the anchor reached both functions.
	s, _ := Parse([]byte(tests[5].src), nil)
	if s.Functions["api"].Environment["LEVEL"] != "info" || s.Functions["worker"].Environment["LEVEL"] != "info" {
		t.Errorf("merged environments: %v, %v", s.Functions["api"].Environment, s.Functions["worker"].Environment)
	}
}

func TestParseWarningsAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("functions:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "  f%03d:\n    lang: go\n    handler: ./f\n    handlr: x\n", i)
	}
	s, err := Parse([]byte(b.String()), nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if n := len(s.Warnings); n != maxWarnings+1 || s.Warnings[maxWarnings].Msg != "and 70 more warnings" {
		t.Errorf("%d warnings, the last %+v", n, s.Warnings[n-1])
	}
}

// Load names the file of each warning, environment files included, whose
// unknown fields faas-cli ignores as well.
func TestLoadWarnings(t *testing.T) {
	fsys := fstest.MapFS{
		"fns/stack.yml": file("functions:\n  api:\n    lang: go\n    handler: ./api\n    timeout: 1\n    environment_file: [env.yml]\n" +
			"  worker:\n    lang: go\n    handler: ./api\n    environment_file: [env.yml]\n"),
		"fns/api":     dir(),
		"fns/env.yml": file("enviroment:\n  A: b\nenvironment:\n  C: d\n"),
	}
	s, err := Load(context.Background(), fsys, "fns/stack.yml", nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []string{
		`fns/env.yml:1: unknown field "enviroment" is ignored: did you mean "environment"?`,
		`fns/stack.yml:5: function "api": unknown field "timeout" is ignored`,
	}
	var got []string
	for _, w := range s.Warnings {
		got = append(got, w.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s.Functions["worker"].Environment["C"] != "d" {
		t.Errorf("worker environment = %v", s.Functions["worker"].Environment)
	}
}

func TestNearest(t *testing.T) {
	keys := yamlKeys(reflect.TypeFor[Function]())
	for typo, want := range map[string]string{
		"handlr": "handler", "lnag": "lang", "Lang": "lang", "enviroment": "environment", "secret": "secrets",
		"labes": "labels", "imagePullPolicy": "", "timeout": "", "x": "", "img": "", "gpu": "",
	} {
		if got := nearest(typo, keys); got != want {
			t.Errorf("nearest(%q) = %q, want %q", typo, got, want)
		}
	}
}

func fmtWarnings(ws []Warning) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "%+v\n", w)
	}
	return b.String()
}
