package stack

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func dir() *fstest.MapFile { return &fstest.MapFile{Mode: os.ModeDir | 0o755} }

const apiStack = "functions:\n  api:\n    lang: go\n    handler: ./api\n"

func TestLoadFindsTheStackFile(t *testing.T) {
	tests := []struct {
		name     string
		fsys     fstest.MapFS
		ask      string
		wantFile string
		wantErr  string
	}{
		{"default", fstest.MapFS{"stack.yml": file(apiStack), "api": dir()}, "", "stack.yml", ""},
		{"yaml spelling", fstest.MapFS{"stack.yaml": file(apiStack), "api": dir()}, "", "stack.yaml", ""},
		{"yml wins over yaml", fstest.MapFS{"stack.yml": file(apiStack), "stack.yaml": file("bad: ["), "api": dir()}, "", "stack.yml", ""},
		{"named", fstest.MapFS{"functions.yml": file(apiStack), "api": dir()}, "functions.yml", "functions.yml", ""},
		{"named with ./", fstest.MapFS{"functions.yml": file(apiStack), "api": dir()}, "./functions.yml", "functions.yml", ""},
		{"named in a folder, handler beside it", fstest.MapFS{"fns/stack.yml": file(apiStack), "fns/api": dir()}, "fns/stack.yml", "fns/stack.yml", ""},
		{"none", fstest.MapFS{"api": dir()}, "", "", "no stack file: neither stack.yml nor stack.yaml is at the root of the repository"},
		{"named missing", fstest.MapFS{"stack.yml": file(apiStack)}, "other.yml", "", "no stack file: other.yml is not in the repository"},
		{"default named, yaml spelling", fstest.MapFS{"stack.yaml": file(apiStack), "api": dir()}, "stack.yml", "stack.yaml", ""},
		{"other name, no fallback", fstest.MapFS{"stack.yaml": file(apiStack)}, "fns.yml", "", "no stack file: fns.yml is not in the repository"},
		{"named outside", fstest.MapFS{}, "../stack.yml", "", `stack file "../stack.yml" is not a file of the repository`},
		{"a folder", fstest.MapFS{"stack.yml": dir()}, "", "", "read stack.yml: stack.yml is not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(context.Background(), tt.fsys, tt.ask, nil)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if s.File != tt.wantFile {
				t.Errorf("File = %q, want %q", s.File, tt.wantFile)
			}
			if _, ok := s.Functions["api"]; !ok {
				t.Errorf("functions = %v", s.Names())
			}
		})
	}
}

func TestLoadMissingIsErrNoStackFile(t *testing.T) {
	_, err := Load(context.Background(), fstest.MapFS{}, "", nil)
	if !errors.Is(err, ErrNoStackFile) {
		t.Fatalf("err = %v, want ErrNoStackFile", err)
	}
}

func TestLoadMergesEnvironmentFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"stack.yml": file(`functions:
  api:
    lang: go
    handler: ./api
    environment:
      C: inline
    environment_file:
      - env/a.yml
      - ./env/b.yml
  worker:
    lang: go
    handler: ./api
    environment_file:
      - env/a.yml
  plain:
    lang: go
    handler: ./api
`),
		"api":       dir(),
		"env/a.yml": file("environment:\n  A: from-a\n  B: from-a\n  C: from-a\n  PORT: 8080\n"),
		"env/b.yml": file("# only a comment-free map\nenvironment:\n  B: from-b\n  C: from-b\n"),
	}
	s, err := Load(context.Background(), fsys, "", vars())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	// The files override the inline environment, each file the ones
	// before it, as faas-cli merges them.
	want := map[string]map[string]string{
		"api":    {"A": "from-a", "B": "from-b", "C": "from-b", "PORT": "8080"},
		"worker": {"A": "from-a", "B": "from-a", "C": "from-a", "PORT": "8080"},
		"plain":  nil,
	}
	for name, env := range want {
		if got := s.Functions[name].Environment; !reflect.DeepEqual(got, env) {
			t.Errorf("%s environment = %v, want %v", name, got, env)
		}
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want []string
	}{
		{"handler missing", fstest.MapFS{
			"stack.yml": file("functions:\n  api:\n    lang: go\n    handler: ./nope\n"),
		}, []string{`stack.yml:4: function "api": handler "./nope" does not exist`}},
		{"handler is a file", fstest.MapFS{
			"stack.yml": file("functions:\n  api:\n    lang: go\n    handler: ./main.go\n"),
			"main.go":   file("package main\n"),
		}, []string{`stack.yml:4: function "api": handler "./main.go" is not a folder`}},
		{"environment file missing", fstest.MapFS{
			"stack.yml": file(apiStack + "    environment_file:\n      - nope.yml\n"),
			"api":       dir(),
		}, []string{`stack.yml:5: function "api": environment_file "nope.yml" does not exist`}},
		{"environment file not YAML", fstest.MapFS{
			"stack.yml": file(apiStack + "    environment_file:\n      - env.yml\n"),
			"api":       dir(),
			"env.yml":   file("environment:\n  A: [\n"),
		}, []string{`stack.yml:5: function "api": environment_file "env.yml": line 2: invalid YAML: did not find expected node content`}},
		{"parse problems carry the file name", fstest.MapFS{
			"stack.yml": file("functions:\n  api:\n    lang: go\n    handle: ./api\n"),
		}, []string{
			`stack.yml:2: function "api": "handler" is missing: give the folder of the function's code, e.g. "handler: ./api"`,
			`stack.yml:4: function "api": unknown field "handle" is ignored: did you mean "handler"?`}},
		{"a refused function's unknown fields are listed, its environment file's are not", fstest.MapFS{
			"stack.yml": file("functions:\n  api:\n    lang: go\n    handler: ./nope\n    memory: 1\n    environment_file: [env.yml]\n"),
			"env.yml":   file("enviroment:\n  A: b\n"),
		}, []string{
			`stack.yml:4: function "api": handler "./nope" does not exist`,
			`stack.yml:5: function "api": unknown field "memory" is ignored`}},
		{"all problems of all functions", fstest.MapFS{
			"stack.yml": file("functions:\n  b:\n    lang: go\n    handler: ./b\n  a:\n    lang: go\n    handler: ./a\n    environment_file: [x.yml]\n"),
		}, []string{
			`stack.yml:4: function "b": handler "./b" does not exist`,
			`stack.yml:7: function "a": handler "./a" does not exist`,
			`stack.yml:8: function "a": environment_file "x.yml" does not exist`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(context.Background(), tt.fsys, "", nil)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want an *Error", err, err)
			}
			if se.File != "stack.yml" {
				t.Errorf("File = %q", se.File)
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("error =\n%s\nwant\n%s", err, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLoadDirRefusesLinksOutOfTheRepository(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "env.yml"), []byte("environment:\n  SECRET: host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	write(t, repo, "stack.yml", apiStack+"    environment_file:\n      - env.yml\n  other:\n    lang: go\n    handler: ./out\n")
	if err := os.Mkdir(filepath.Join(repo, "api"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, filepath.Join(outside, "env.yml"), filepath.Join(repo, "env.yml"))
	mustSymlink(t, outside, filepath.Join(repo, "out"))

	_, err := LoadDir(context.Background(), repo, "", nil)
	if err == nil {
		t.Fatal("LoadDir followed links out of the repository")
	}
	want := []string{
		`stack.yml:5: function "api": environment_file "env.yml" leads outside the repository through a symbolic link`,
		`stack.yml:9: function "other": handler "./out" leads outside the repository through a symbolic link`,
	}
	if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("error =\n%s\nwant\n%s", err, strings.Join(want, "\n"))
	}
}

func TestLoadDirFollowsLinksInside(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, "stack.yml", apiStack+"    environment_file:\n      - env.yml\n")
	write(t, repo, "shared/env.yml", "environment:\n  A: b\n")
	write(t, repo, "src/main.go", "package function\n")
	mustSymlink(t, "shared/env.yml", filepath.Join(repo, "env.yml"))
	mustSymlink(t, "src", filepath.Join(repo, "api"))
	s, err := LoadDir(context.Background(), repo, "", nil)
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	if got := s.Functions["api"].Environment["A"]; got != "b" {
		t.Errorf("A = %q, want b", got)
	}
}

func TestLoadHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, fstest.MapFS{"stack.yml": file(apiStack), "api": dir()}, "", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func write(t *testing.T, root, name, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
