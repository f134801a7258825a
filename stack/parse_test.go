package stack

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func vars(kv ...string) Lookup {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestParseSubstitution(t *testing.T) {
	tests := []struct {
		name   string
		image  string
		lookup Lookup
		want   string
	}{
		{"set", "${REG}/fn", vars("REG", "r.example"), "r.example/fn"},
		{"unset is empty", "x${NOPE}y", vars(), "xy"},
		{"nil lookup", "x${NOPE}y", nil, "xy"},
		{"default when unset", "fn:${TAG:-latest}", vars(), "fn:latest"},
		{"value over default", "fn:${TAG:-latest}", vars("TAG", "v1"), "fn:v1"},
		{"default when set empty", "fn:${TAG:-latest}", vars("TAG", ""), "fn:latest"},
		{"several in one string", "${A}-${B:-b}-x-${C}", vars("A", "a", "C", "c"), "a-b-x-c"},
		{"bare dollar kept", "$A/fn", vars("A", "a"), "$A/fn"},
		{"escaped", "$${A}", vars("A", "a"), "${A}"},
		{"no variables", "plain:latest", vars("A", "a"), "plain:latest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "functions:\n  api:\n    lang: go\n    handler: ./api\n    image: \"" + tt.image + "\"\n"
			s, err := Parse([]byte(src), tt.lookup)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.Functions["api"].Image; got != tt.want {
				t.Errorf("image = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseSubstitutionAnywhere(t *testing.T) {
	src := `functions:
  ${FN:-api}:
    lang: ${LANG}
    handler: ./${DIR}
    environment:
      ${KEY}: ${VALUE:-none}
`
	s, err := Parse([]byte(src), vars("LANG", "go", "DIR", "src", "KEY", "MODE"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	fn, ok := s.Functions["api"]
	if !ok {
		t.Fatalf("functions = %v, want api", s.Names())
	}
	if fn.Lang != "go" || fn.Handler != "./src" || fn.Environment["MODE"] != "none" {
		t.Errorf("got lang %q handler %q env %v", fn.Lang, fn.Handler, fn.Environment)
	}
}

const fullStack = `version: 1.0
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
configuration:
  templates:
    - name: golang-middleware
      source: https://github.com/openfaas/golang-http-template
  copy:
    - ./common
functions:
  api:
    lang: Dockerfile
    handler: ./api
    image: ${REG:-ghcr.io}/me/api:latest
    fprocess: ./handler
    build_args:
      GO111MODULE: "on"
      DEBUG: 1
    build_options:
      - dev
    build_secrets:
      token: ./token.txt
    platforms: linux/amd64
    skip_build: false
    registry_auth: abc
    environment:
      write_timeout: 10s
      retries: 3
      verbose: true
    environment_file:
      - env.yml
      - more.yml
    secrets:
      - db-password
    labels:
      com.openfaas.scale.min: 2
      com.openfaas.scale.max: "5"
      team: core
    annotations:
      topic: cron-function
    constraints:
      - node.platform.os == linux
    limits:
      memory: 128Mi
      cpu: 500m
    requests:
      memory: 64Mi
      cpu: 100m
    readonly_root_filesystem: true
    namespace: openfaas-fn
  worker:
    lang: go
    handler: ./worker
`

func TestParseEveryField(t *testing.T) {
	s, err := Parse([]byte(fullStack), vars())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Stack{
		Version:  "1.0",
		Provider: Provider{Name: "openfaas", Gateway: "http://127.0.0.1:8080"},
		Configuration: Configuration{
			Templates: []TemplateSource{{Name: "golang-middleware", Source: "https://github.com/openfaas/golang-http-template"}},
			Copy:      []string{"./common"},
		},
		Dir: ".",
		Functions: map[string]Function{
			"api": {
				Name:         "api",
				Lang:         "dockerfile",
				Handler:      "./api",
				Image:        "ghcr.io/me/api:latest",
				FProcess:     "./handler",
				BuildArgs:    map[string]string{"GO111MODULE": "on", "DEBUG": "1"},
				BuildOptions: []string{"dev"},
				BuildSecrets: map[string]string{"token": "./token.txt"},
				Platforms:    "linux/amd64",
				RegistryAuth: "abc",
				Environment:  map[string]string{"write_timeout": "10s", "retries": "3", "verbose": "true"},
				EnvironmentFile: []string{
					"env.yml", "more.yml",
				},
				Secrets:                []string{"db-password"},
				Labels:                 map[string]string{"com.openfaas.scale.min": "2", "com.openfaas.scale.max": "5", "team": "core"},
				Annotations:            map[string]string{"topic": "cron-function"},
				Constraints:            []string{"node.platform.os == linux"},
				Limits:                 &Resources{Memory: "128Mi", CPU: "500m"},
				Requests:               &Resources{Memory: "64Mi", CPU: "100m"},
				ReadOnlyRootFilesystem: true,
				Namespace:              "openfaas-fn",
			},
			"worker": {Name: "worker", Lang: "go", Handler: "./worker"},
		},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("Parse =\n%#v\nwant\n%#v", s, want)
	}
	if got := s.Names(); !reflect.DeepEqual(got, []string{"api", "worker"}) {
		t.Errorf("Names = %v", got)
	}
}

func TestParseInvalid(t *testing.T) {
	fn := func(body string) string {
		return "functions:\n  api:\n" + body
	}
	tests := []struct {
		name string
		src  string
		want []string // the error's lines, in order
	}{
		{"empty file", "", []string{"the file is empty"}},
		{"only comments", "# nothing here\n", []string{"the file is empty"}},
		{"no functions", "provider:\n  name: openfaas\n", []string{`no functions: the file needs a "functions" map with at least one function`}},
		{"empty functions", "functions: {}\n", []string{`no functions: the file needs a "functions" map with at least one function`}},
		{"missing lang", fn("    handler: ./api\n"), []string{`line 2: function "api": "lang" is missing: name the template to build with, e.g. "lang: go" or "lang: dockerfile"`}},
		{"missing handler", fn("    lang: go\n"), []string{`line 2: function "api": "handler" is missing: give the folder of the function's code, e.g. "handler: ./api"`}},
		{"lang with a slash", fn("    lang: ../go\n    handler: ./api\n"), []string{`line 3: function "api": lang "../go" is not a template name`}},
		{"absolute handler", fn("    lang: go\n    handler: /etc\n"), []string{`line 4: function "api": handler "/etc" is outside the repository: use a path relative to the stack file`}},
		{"handler above root", fn("    lang: go\n    handler: ../other\n"), []string{`line 4: function "api": handler "../other" is outside the repository: use a path relative to the stack file`}},
		{"handler climbing out", fn("    lang: go\n    handler: ./a/../../b\n"), []string{`line 4: function "api": handler "./a/../../b" is outside the repository: use a path relative to the stack file`}},
		{"build secret id not a file name", fn("    lang: go\n    handler: ./api\n    build_secrets:\n      ../npm: ./npm.txt\n"), []string{`line 5: function "api": build secret "../npm": use at most 128 letters, digits, '.', '_' and '-', starting with a letter or digit`}},
		{"namespace not a DNS label", fn("    lang: go\n    handler: ./api\n    namespace: Staging.Env\n"), []string{`line 5: function "api": namespace "Staging.Env": a namespace is a DNS label, at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`}},
		{"environment file outside", fn("    lang: go\n    handler: ./api\n    environment_file:\n      - /etc/env.yml\n"), []string{`line 5: function "api": environment_file "/etc/env.yml" is outside the repository: use a path relative to the stack file`}},
		{"uppercase name", "functions:\n  API:\n    lang: go\n    handler: ./api\n", []string{`line 2: function "API": ` + invalidName + `, such as "api"`}},
		{"underscore name", "functions:\n  my_fn:\n    lang: go\n    handler: ./api\n", []string{`line 2: function "my_fn": ` + invalidName + `, such as "my-fn"`}},
		{"leading dash", "functions:\n  -fn:\n    lang: go\n    handler: ./api\n", []string{`line 2: function "-fn": ` + invalidName + `, such as "fn"`}},
		{"name too long", "functions:\n  " + strings.Repeat("a", 64) + ":\n    lang: go\n    handler: ./api\n", []string{`line 2: function "` + strings.Repeat("a", 64) + `": ` + invalidName + `, such as "` + strings.Repeat("a", 63) + `"`}},
		// Unknown fields are ignored, but a refused function lists its
		// own: a misspelt field is why another one is missing.
		{"misspelt lang", fn("    lnag: go\n    handler: ./api\n"), []string{
			`line 2: function "api": "lang" is missing: name the template to build with, e.g. "lang: go" or "lang: dockerfile"`,
			`line 3: function "api": unknown field "lnag" is ignored: did you mean "lang"?`}},
		{"misspelt functions", "functons:\n  api:\n    lang: go\n", []string{
			`no functions: the file needs a "functions" map with at least one function`,
			`line 1: unknown field "functons" is ignored: did you mean "functions"?`}},
		{"another function's unknown field is not listed", "functions:\n  api:\n    lang: go\n  ok:\n    lang: go\n    handler: ./ok\n    handlr: x\n",
			[]string{`line 2: function "api": "handler" is missing: give the folder of the function's code, e.g. "handler: ./api"`}},
		{"lang with an empty ref", fn("    lang: go@\n    handler: ./api\n"), []string{`line 3: function "api": lang "go@": name the template's ref after "@", e.g. "go@0.9.0", or leave the "@" out`}},
		{"lang with a ref climbing out", fn("    lang: go@../../x\n    handler: ./api\n"), []string{`line 3: function "api": lang "go@../../x": "../../x" is not a tag, branch or commit of the template's repository`}},
		{"lang with a ref and no name", fn("    lang: \"@0.9.0\"\n    handler: ./api\n"), []string{`line 3: function "api": lang "@0.9.0" is not a template name`}},
		{"lang with two refs", fn("    lang: go@1@2\n    handler: ./api\n"), []string{`line 3: function "api": lang "go@1@2": "1@2" is not a tag, branch or commit of the template's repository`}},
		{"skip_build without an image", fn("    lang: go\n    handler: ./api\n    skip_build: true\n"), []string{`line 5: function "api": skip_build is true, so the function is deployed from its image, and "image" is missing: name the image to deploy, e.g. "image: ghcr.io/me/api:1.0"`}},
		{"image with a space", fn("    image: \"ghcr.io/me/api:1.0 --privileged\"\n"), []string{`line 3: function "api": image "ghcr.io/me/api:1.0 --privileged": an image reference is one word of printable text`}},
		{"image with a newline", fn("    image: \"ghcr.io/me/api\\n\"\n"), []string{`line 3: function "api": image "ghcr.io/me/api\n": an image reference is one word of printable text`}},
		{"list for a map value", fn("    lang: go\n    handler: ./api\n    environment:\n      A: [1, 2]\n"), []string{`line 6: function "api": environment: expected a string, found a list`}},
		{"string for a list", fn("    lang: go\n    handler: ./api\n    secrets: db\n"), []string{`line 5: function "api": secrets: expected a list of strings, found the string "db"`}},
		{"not a boolean", fn("    lang: go\n    handler: ./api\n    readonly_root_filesystem: maybe\n"), []string{`line 5: function "api": readonly_root_filesystem: expected true or false, found the string "maybe"`}},
		{"function is a string", "functions:\n  api: go\n", []string{`line 2: function "api": expected a function (a map with lang, handler, ...), found the string "go"`}},
		{"file is a list", "- a\n- b\n", []string{`line 1: expected a stack file (a map with "functions"), found a list`}},
		{"duplicate function", "functions:\n  api:\n    lang: go\n    handler: ./a\n  api:\n    lang: go\n    handler: ./b\n", []string{`line 5: function "api": mapping key "api" already defined at line 2`}},
		{"bad indentation", "functions:\n  api:\n    lang: go\n   handler: ./api\n", []string{"line 4: invalid YAML: did not find expected key"}},
		{"bad indentation deep down", "functions:\n  api:\n    lang: go\n    handler: ./api\n    labels:\n      a: b\n     c: d\n", []string{"line 7: invalid YAML: did not find expected key"}},
		{"unclosed quote", fn("    lang: \"go\n"), []string{"line 3: invalid YAML: found unexpected end of stream"}},
		{"tab indentation", "functions:\n\tapi:\n", []string{"line 2: invalid YAML: found character that cannot start any token"}},
		{"unclosed variable", fn("    lang: go\n    handler: ./${DIR\n"), []string{"variable substitution: missing closing brace"}},
		{"every problem at once", "functions:\n  B:\n    lang: go\n  a:\n    handler: /x\n", []string{
			`line 2: function "B": ` + invalidName + `, such as "b"`,
			`line 2: function "B": "handler" is missing: give the folder of the function's code, e.g. "handler: ./B"`,
			`line 4: function "a": "lang" is missing: name the template to build with, e.g. "lang: go" or "lang: dockerfile"`,
			`line 5: function "a": handler "/x" is outside the repository: use a path relative to the stack file`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.src), vars())
			if err == nil {
				t.Fatalf("Parse succeeded with %d functions, want an error", len(s.Functions))
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T %q is not an *Error", err, err)
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("error =\n%s\nwant\n%s", err, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	src := "functions:\n  api:\n    lang: go\n    handler: ./api\n#" + strings.Repeat("x", MaxSize)
	_, err := Parse([]byte(src), nil)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want a size error", err)
	}
}

func TestValidName(t *testing.T) {
	tests := map[string]bool{
		"api": true, "a": true, "fn-1": true, "1fn": true, strings.Repeat("a", 63): true,
		"": false, "Api": false, "a_b": false, "a.b": false, "-a": false, "a-": false, strings.Repeat("a", 64): false,
	}
	for name, want := range tests {
		if got := ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestParseListsAtMostSomeProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("functions:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "  f%03d:\n    lang: go\n    handler: /f\n", i)
	}
	_, err := Parse([]byte(b.String()), nil)
	if err == nil {
		t.Fatal("Parse accepted handlers out of the repository")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxProblems+1 || lines[0] != `line 4: function "f000": handler "/f" is outside the repository: use a path relative to the stack file` || lines[maxProblems] != "and 70 more problems" {
		t.Errorf("error has %d lines: first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}

// BenchmarkParseLargest measures the worst a stack file of MaxSize costs:
// as many functions as fit, each with a problem to report.
func BenchmarkParseLargest(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("functions:\n")
	for i := 0; sb.Len() < MaxSize-100; i++ {
		fmt.Fprintf(&sb, "  f%d:\n    lang: go\n    handlr: ./f\n", i)
	}
	data := []byte(sb.String())
	b.ResetTimer()
	for range b.N {
		if _, err := Parse(data, nil); err == nil {
			b.Fatal("Parse accepted functions without a handler")
		}
	}
}
