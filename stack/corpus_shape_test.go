package stack

import "strings"

// shapeCases are files that are not stack files: not YAML, empty, or
// YAML of another shape.
var shapeCases = []corpusCase{
	{"empty", "", []string{"the file is empty"}},
	{"blank lines", "\n\n   \n", []string{"the file is empty"}},
	{"comments only", "# functions:\n#   api: {}\n", []string{"the file is empty"}},
	{"a document marker only", "---\n", []string{`no functions: the file needs a "functions" map with at least one function`}},
	{"null", "null\n", []string{`no functions: the file needs a "functions" map with at least one function`}},
	{"tilde", "~\n", []string{`no functions: the file needs a "functions" map with at least one function`}},
	{"a word", "hello\n", []string{`line 1: expected a stack file (a map with "functions"), found the string "hello"`}},
	{"a number", "42\n", []string{`line 1: expected a stack file (a map with "functions"), found the number "42"`}},
	{"a list at the top", "- functions:\n    api: {}\n", []string{`line 1: expected a stack file (a map with "functions"), found a list`}},
	{"a JSON list", `[{"functions": {}}]`, []string{`line 1: expected a stack file (a map with "functions"), found a list`}},
	{"functions is a list", "functions:\n  - api\n", []string{`line 2: expected a map of functions, found a list`}},
	{"functions is a string", "functions: api\n", []string{`line 1: expected a map of functions, found the string "api"`}},
	{"functions is a number", "functions: 3\n", []string{`line 1: expected a map of functions, found the number "3"`}},
	{"functions is null", "functions:\n", []string{`no functions: the file needs a "functions" map with at least one function`}},
	{"a function is a string", "functions:\n  api: go\n", []string{`line 2: function "api": expected a function (a map with lang, handler, ...), found the string "go"`}},
	{"a function is a list", "functions:\n  api: [go, ./api]\n", []string{`line 2: function "api": expected a function (a map with lang, handler, ...), found a list`}},
	{"a function is null", "functions:\n  api:\n", []string{
		`line 2: function "api": neither "lang" nor "image" is set: name the template to build the function with ("lang: go" and "handler: ./api"), or the image to deploy as it is ("image: ghcr.io/me/api:1.0")`}},
	{"handler is a map", "functions:\n  api:\n    lang: go\n    handler: {path: ./api}\n", []string{`line 4: function "api": handler: expected a string, found a map`}},
	{"environment is a list", fnHead + "    environment: [A=b]\n", []string{`line 5: function "api": environment: expected a map of strings, found a list`}},
	{"limits is a string", fnHead + "    limits: 128Mi\n", []string{`line 5: function "api": limits: expected a map with memory and cpu, found the string "128Mi"`}},
	{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", []string{"line 1: invalid YAML: invalid leading UTF-8 octet"}},
	{"invalid UTF-8", fnHead + "    labels: {a: \"\xff\xfe\"}\n", []string{"line 5: invalid YAML: invalid leading UTF-8 octet"}},
	{"tab indentation", "functions:\n\tapi:\n", []string{"line 2: invalid YAML: found character that cannot start any token"}},
	{"unclosed flow map", "functions: {api: {lang: go\n", []string{"line 1: invalid YAML: did not find expected ',' or '}'"}},
	{"unclosed quote", fnHead + "    labels: {a: \"b}\n", []string{"line 5: invalid YAML: found unexpected end of stream"}},
	{"YAML 2.0", "%YAML 2.0\n---\n" + fnHead, []string{"line 1: invalid YAML: found incompatible YAML document"}},
	{"duplicate function", fnHead + "  api:\n    lang: go\n    handler: ./b\n", []string{`line 5: function "api": mapping key "api" already defined at line 2`}},
	// yaml.v3 constructs nothing from a tag: the value is read as text.
	{"a Python object tag", "functions:\n  api:\n    lang: !!python/object:os.system go\n    handler: ./api\n", nil},
	{"JSON", `{"functions": {"api": {"lang": "go", "handler": "./api"}}}`, nil},
	{"CRLF line ends", strings.ReplaceAll(fnHead, "\n", "\r\n"), nil},
	{"a second document is not read", fnHead + "---\nnot: [a stack\n", nil},
	{"a byte order mark", "\ufeff" + fnHead, nil},
}

// invalidName is the error of a function name that is not a DNS-1123
// label: the gateway (and Kubernetes under it) would refuse it, so the
// stack file is refused rather than deployed under another name.
const invalidName = "invalid function name: no OpenFaaS gateway can deploy it, as a function's name must be a DNS label: " +
	"at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"

// nameCase is a function named key in YAML, quoted in errors as quoted,
// for which the error suggests suggested ("" for none).
func nameCase(name, key, quoted, suggested string) corpusCase {
	msg := invalidName
	if suggested != "" {
		msg += `, such as "` + suggested + `"`
	}
	return corpusCase{"name " + name, "functions:\n  " + key + ":\n    lang: go\n    handler: ./api\n",
		[]string{`line 2: function ` + quoted + `: ` + msg}}
}

var nameCases = []corpusCase{
	nameCase("upper case", "Api", `"Api"`, "api"),
	nameCase("all upper case", "API", `"API"`, "api"),
	nameCase("camel case, as real stack files have it", "AddConference", `"AddConference"`, "addconference"),
	nameCase("underscore", "my_fn", `"my_fn"`, "my-fn"),
	nameCase("64 characters", strings.Repeat("a", 64), `"`+strings.Repeat("a", 64)+`"`, strings.Repeat("a", 63)),
	{"name empty", "functions:\n  \"\":\n    lang: go\n    handler: ./api\n", []string{"line 2: a function has an empty name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"}},
	nameCase("dot", "a.b", `"a.b"`, "a-b"),
	nameCase("unicode", "fünf", `"fünf"`, ""),
	nameCase("leading dash", "-fn", `"-fn"`, "fn"),
	nameCase("trailing dash", "fn-", `"fn-"`, "fn"),
	nameCase("space", `"a b"`, `"a b"`, "a-b"),
	nameCase("slash", "a/b", `"a/b"`, "a-b"),
	nameCase("dot dot", `".."`, `".."`, ""),
	nameCase("newline", `"fn\n"`, `"fn\n"`, "fn"),
	nameCase("NUL", `"fn\0"`, `"fn\x00"`, "fn"),
	nameCase("emoji", `"🚀"`, `"🚀"`, ""),
	{"63 characters", "functions:\n  " + strings.Repeat("a", 63) + ":\n    lang: go\n    handler: ./api\n", nil},
	{"digits first", "functions:\n  1fn:\n    lang: go\n    handler: ./api\n", nil},
}
