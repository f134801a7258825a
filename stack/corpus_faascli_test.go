package stack

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/drone/envsubst"
	"gopkg.in/yaml.v3"
)

// stackCorpus holds real stack files of public repositories, byte for
// byte (see its SOURCES.md); docs/stack-files.md says what ofc makes of
// them and where it differs from faas-cli.
const stackCorpus = "../../shared/fixtures/stack-files"

// The corpus's counts. A change in them is a change in what ofc accepts,
// to be said in docs/stack-files.md.
const (
	corpusFiles = 85
	// corpusCLIDecodes: faas-cli decodes the YAML of all but the file
	// with a duplicate function and the one with a merge conflict left in.
	corpusCLIDecodes = 83
	// corpusCLIAccepts: faas-cli (0.18.12, go-sdk v0.2.22's
	// stack.ParseYAMLData) also refuses provider.name "faas", as it has
	// since 2019, which 21 more files have.
	corpusCLIAccepts = 62
	corpusOfcAccepts = 82
)

// corpusRefused are the files ofc refuses, and why. Every other file is
// accepted.
var corpusRefused = map[string]string{
	// yaml.v3, which faas-cli uses too, refuses a key given twice.
	"ajaxe__openfaas-functions__all.yml": `line 25: function "unfluff": mapping key "unfluff" already defined at line 5`,
	// Committed in the middle of a merge: "<<<<<<< HEAD" is not YAML.
	"openfaas__faas__sample-functions__Memes9Gag__stack.yml": "line 6: invalid YAML: could not find expected ':'",
	// The one file faas-cli reads and ofc refuses: no gateway deploys
	// a function named so.
	"fpommerening__Spartakiade2018-OpenFaaS__Implementation__CQRS__ConferenceSystem.yml": `line 7: function "AddConference": ` + invalidName + `, such as "addconference"`,
}

// corpusDifferences are the differences left between what ofc parses and
// the file's YAML decoded generically, each with why; docs/stack-files.md
// lists them. A difference not here fails the test, and so does one here
// that no longer occurs.
var corpusDifferences = map[string]string{
	`alexellis__derek__stack.example.yml: derek: lang: ofc "dockerfile", YAML "Dockerfile"`:                               dockerfileLang,
	`alexellis__repaint-the-past__twitter_stack.yml: colorization: lang: ofc "dockerfile", YAML "Dockerfile"`:             dockerfileLang,
	`alexellis__repaint-the-past__twitter_stack.yml: normalisecolor: lang: ofc "dockerfile", YAML "Dockerfile"`:           dockerfileLang,
	`alexellis__repaint-the-past__twitter_stack.yml: tweetpic: lang: ofc "dockerfile", YAML "Dockerfile"`:                 dockerfileLang,
	`openfaas__faas__sample-functions__BaseFunctions__flask__flask.yml: flask: lang: ofc "dockerfile", YAML "Dockerfile"`: dockerfileLang,
	`openfaas__faas__sample-functions__CHelloWorld__stack.yml: helloc: lang: ofc "dockerfile", YAML "Dockerfile"`:         dockerfileLang,
}

// dockerfileLang is why ofc's lang differs from the file's: ofc reads
// "Dockerfile" as the dockerfile template, as faas-cli means to. go-sdk's
// ParseYAMLData sets "dockerfile" for "Dockerfile", but on a copy of each
// function that it drops; faas-cli converts its --lang flag so
// (commands/validate.go) and its deploy compares the name in lower case
// (languageExistsNotDockerfile), while its build looks for template/Dockerfile
// as written.
const dockerfileLang = `"Dockerfile" is the dockerfile template`

// cliServices and the types below are faas-cli's stack file schema as its
// parser decodes it: github.com/openfaas/go-sdk/stack/schema.go (v0.2.22),
// vendored by openfaas/faas-cli 0.18.12 (c8191b7). The fields' Go types
// are what matter: they decide what yaml.v3 accepts.
type cliServices struct {
	Version   string                 `yaml:"version,omitempty"`
	Functions map[string]cliFunction `yaml:"functions,omitempty"`
	Provider  struct {
		Name       string `yaml:"name"`
		GatewayURL string `yaml:"gateway"`
	} `yaml:"provider,omitempty"`
	StackConfiguration struct {
		TemplateConfigs []struct {
			Name   string `yaml:"name"`
			Source string `yaml:"source,omitempty"`
		} `yaml:"templates"`
		CopyExtraPaths []string `yaml:"copy"`
	} `yaml:"configuration,omitempty"`
}

type cliFunction struct {
	Language               string             `yaml:"lang"`
	Handler                string             `yaml:"handler"`
	Image                  string             `yaml:"image"`
	FProcess               string             `yaml:"fprocess"`
	Environment            map[string]string  `yaml:"environment"`
	Secrets                []string           `yaml:"secrets,omitempty"`
	SkipBuild              bool               `yaml:"skip_build,omitempty"`
	Constraints            *[]string          `yaml:"constraints,omitempty"`
	EnvironmentFile        []string           `yaml:"environment_file,omitempty"`
	Labels                 *map[string]string `yaml:"labels,omitempty"`
	Limits                 *cliResources      `yaml:"limits,omitempty"`
	Requests               *cliResources      `yaml:"requests,omitempty"`
	ReadOnlyRootFilesystem bool               `yaml:"readonly_root_filesystem,omitempty"`
	BuildOptions           []string           `yaml:"build_options,omitempty"`
	Annotations            *map[string]string `yaml:"annotations,omitempty"`
	Namespace              string             `yaml:"namespace,omitempty"`
	BuildArgs              map[string]string  `yaml:"build_args,omitempty"`
	Platforms              string             `yaml:"platforms,omitempty"`
	BuildSecrets           map[string]string  `yaml:"build_secrets,omitempty"`
}

type cliResources struct {
	Memory string `yaml:"memory"`
	CPU    string `yaml:"cpu"`
}

// cliSubstitute is go-sdk stack.substituteEnvironment with an empty
// environment, so that the test does not depend on the machine's.
func cliSubstitute(t *testing.T, data []byte) []byte {
	t.Helper()
	tmpl, err := envsubst.Parse(string(data))
	if err != nil {
		t.Fatalf("substitute: %v", err)
	}
	out, err := tmpl.Execute(func(string) string { return "" })
	if err != nil {
		t.Fatalf("substitute: %v", err)
	}
	return []byte(out)
}

// cliParse is go-sdk stack.ParseYAMLData(data, "", "", true): decodeErr
// is its YAML's refusal, checkErr that of the checks after it.
func cliParse(t *testing.T, data []byte) (decodeErr, checkErr error) {
	var s cliServices
	if err := yaml.Unmarshal(cliSubstitute(t, data), &s); err != nil {
		return err, nil
	}
	if s.Provider.Name != "openfaas" {
		return nil, fmt.Errorf(`['openfaas'] is the only valid "provider.name" for the OpenFaaS CLI, but you gave: %s`, s.Provider.Name)
	}
	if s.Version != "" && s.Version != "1.0" {
		return nil, fmt.Errorf("[1.0] are the only valid versions for the stack file - found: %s", s.Version)
	}
	return nil, nil
}

func corpusFileNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(stackCorpus)
	if err != nil {
		t.Fatalf("the stack file corpus: %v", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml") {
			names = append(names, n)
		}
	}
	return names
}

// TestCorpusAsFaasCLIReadsIt parses every file of the corpus and checks
// that ofc accepts what faas-cli accepts (but for names no gateway can
// deploy), that each function reads as the YAML says, and that every
// unknown field is a warning.
func TestCorpusAsFaasCLIReadsIt(t *testing.T) {
	names := corpusFileNames(t)
	var cliDecodes, cliAccepts, ofcAccepts int
	seen := map[string]bool{}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(stackCorpus, name))
			if err != nil {
				t.Fatal(err)
			}
			decodeErr, checkErr := cliParse(t, data)
			if decodeErr == nil {
				cliDecodes++
				if checkErr == nil {
					cliAccepts++
				}
			}
			s, err := Parse(data, nil)
			why, refused := corpusRefused[name]
			switch {
			case err != nil && !refused:
				t.Fatalf("refused:\n%v", err)
			case err != nil:
				first := strings.Split(err.Error(), "\n")[0]
				if first != why {
					t.Errorf("refused for\n%s\nwant\n%s", first, why)
				}
				if decodeErr == nil && !onlyInvalidNames(err) {
					t.Errorf("faas-cli reads it; ofc refuses it for more than names:\n%v", err)
				}
				return
			case refused:
				t.Fatalf("accepted, want it refused: %s", why)
			}
			ofcAccepts++
			if decodeErr != nil {
				t.Logf("accepted; faas-cli refuses it: %v", decodeErr)
			}
			generic := genericStack(t, data)
			for _, d := range compareFunctions(s, generic) {
				key := name + ": " + d
				seen[key] = true
				if _, ok := corpusDifferences[key]; !ok {
					t.Errorf("%s", d)
				}
			}
			checkWarnings(t, s, generic)
		})
	}
	if len(names) != corpusFiles || cliDecodes != corpusCLIDecodes || cliAccepts != corpusCLIAccepts || ofcAccepts != corpusOfcAccepts {
		t.Errorf("%d files; faas-cli decodes %d and accepts %d; ofc accepts %d: want %d; %d and %d; %d",
			len(names), cliDecodes, cliAccepts, ofcAccepts, corpusFiles, corpusCLIDecodes, corpusCLIAccepts, corpusOfcAccepts)
	}
	if !t.Failed() {
		for key := range corpusDifferences {
			if !seen[key] {
				t.Errorf("difference listed but not found: %s", key)
			}
		}
	}
}

// onlyInvalidNames reports whether every problem of err is a function
// name no gateway can deploy.
func onlyInvalidNames(err error) bool {
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.Contains(line, invalidName) {
			return false
		}
	}
	return true
}

// genericStack is the file as faas-cli substitutes it, decoded with no
// schema at all.
func genericStack(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(cliSubstitute(t, data), &m); err != nil {
		t.Fatalf("generic decode: %v", err)
	}
	return m
}

// compareFunctions lists how each function of s differs from its generic
// decoding, one "function: field: ofc ..., YAML ..." a difference.
func compareFunctions(s *Stack, generic map[string]any) []string {
	var diffs []string
	add := func(fn, field string, ofc, yml any) {
		diffs = append(diffs, fmt.Sprintf("%s: %s: ofc %#v, YAML %#v", fn, field, ofc, yml))
	}
	fns, _ := generic["functions"].(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(fns)) {
		g, _ := fns[name].(map[string]any)
		fn, ok := s.Functions[name]
		if !ok || fn.Name != name {
			add(name, "name", fn.Name, name)
			continue
		}
		lang := fn.Lang
		if fn.LangRef != "" {
			lang += "@" + fn.LangRef
		}
		for _, f := range []struct {
			field string
			ofc   string
		}{{"lang", lang}, {"handler", fn.Handler}, {"image", fn.Image}} {
			if !sameScalar(f.ofc, g[f.field]) {
				add(name, f.field, f.ofc, g[f.field])
			}
		}
		skip, _ := g["skip_build"].(bool)
		if want := g["lang"] == nil || skip; fn.Prebuilt != want {
			add(name, "prebuilt", fn.Prebuilt, want)
		}
		for _, f := range []struct {
			field string
			ofc   map[string]string
		}{{"environment", fn.Environment}, {"labels", fn.Labels}, {"annotations", fn.Annotations}, {"build_args", fn.BuildArgs}} {
			if !sameMap(f.ofc, g[f.field]) {
				add(name, f.field, f.ofc, g[f.field])
			}
		}
		for _, f := range []struct {
			field string
			ofc   []string
		}{{"secrets", fn.Secrets}, {"constraints", fn.Constraints}} {
			if !sameList(f.ofc, g[f.field]) {
				add(name, f.field, f.ofc, g[f.field])
			}
		}
		for _, f := range []struct {
			field string
			ofc   *Resources
		}{{"limits", fn.Limits}, {"requests", fn.Requests}} {
			var m map[string]string
			if f.ofc != nil {
				m = map[string]string{"memory": f.ofc.Memory, "cpu": f.ofc.CPU}
			}
			if !sameMap(m, g[f.field]) {
				add(name, f.field, f.ofc, g[f.field])
			}
		}
	}
	if len(fns) != len(s.Functions) {
		add("*", "functions", s.Names(), slices.Sorted(maps.Keys(fns)))
	}
	return diffs
}

// sameScalar reports whether ofc's text is the generic value: the same
// string, or text that YAML reads as the same number, boolean or null.
func sameScalar(ofc string, generic any) bool {
	switch g := generic.(type) {
	case nil:
		return ofc == ""
	case string:
		return ofc == g
	}
	var v any
	if err := yaml.Unmarshal([]byte(ofc), &v); err != nil {
		return false
	}
	return reflect.DeepEqual(v, generic)
}

// sameMap compares a map of ofc's with a generic one, keys and values;
// an empty value is the same as a key left out (ofc's Resources have
// both).
func sameMap(ofc map[string]string, generic any) bool {
	g, _ := generic.(map[string]any)
	for k, v := range g {
		if !sameScalar(ofc[k], v) {
			return false
		}
	}
	for k, v := range ofc {
		if _, ok := g[k]; !ok && v != "" {
			return false
		}
	}
	return true
}

func sameList(ofc []string, generic any) bool {
	g, _ := generic.([]any)
	if len(g) != len(ofc) {
		return false
	}
	for i := range g {
		if !sameScalar(ofc[i], g[i]) {
			return false
		}
	}
	return true
}

// checkWarnings checks that each key of the generic decoding that a
// stack file does not have is one warning, and that there is no other.
func checkWarnings(t *testing.T, s *Stack, generic map[string]any) {
	t.Helper()
	var want []string
	top := yamlKeys(reflect.TypeFor[Stack]())
	for k := range generic {
		if !slices.Contains(top, k) {
			want = append(want, "|"+k)
		}
	}
	known := yamlKeys(reflect.TypeFor[Function]())
	fns, _ := generic["functions"].(map[string]any)
	for name, g := range fns {
		g, _ := g.(map[string]any)
		for k := range g {
			if !slices.Contains(known, k) {
				want = append(want, name+"|"+k)
			}
		}
	}
	var got []string
	for _, w := range s.Warnings {
		if w.Field == "handler" && strings.HasPrefix(w.Msg, `"handler" is ignored`) {
			continue // a handler with no lang; not an unknown field
		}
		got = append(got, w.Function+"|"+w.Field)
	}
	sort.Strings(want)
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings about %q, want %q", got, want)
	}
}
