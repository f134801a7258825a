package plan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/stack"
)

// pathCase is a repository whose stack file names paths out of it, as
// written or through symbolic links, and what Plan says: the stack file's
// error (err), or the one function's problem, or nothing for a repository
// that stays inside.
type pathCase struct {
	name  string
	files map[string]string
	// links are symbolic links to make, name -> target; OUTSIDE in a
	// target is a folder out of the repository holding stack.yml,
	// env.yml, Dockerfile and go/Dockerfile.
	links   map[string]string
	cfg     Config
	err     string
	problem string
}

const webFn = "functions:\n  web:\n    lang: dockerfile\n    handler: ./web\n"

func handlerAt(p string) string {
	return "functions:\n  web:\n    lang: dockerfile\n    handler: " + p + "\n"
}

const outsideMsg = "is outside the repository: use a path relative to the stack file"

var pathCases = []pathCase{
	{name: "handler ../..", files: map[string]string{"stack.yml": handlerAt("../../etc")}, err: `stack.yml:4: function "web": handler "../../etc" ` + outsideMsg},
	{name: "handler climbing through a folder", files: map[string]string{"stack.yml": handlerAt("./a/../../b")}, err: `stack.yml:4: function "web": handler "./a/../../b" ` + outsideMsg},
	{name: "handler absolute", files: map[string]string{"stack.yml": handlerAt("/etc")}, err: `stack.yml:4: function "web": handler "/etc" ` + outsideMsg},
	{name: "handler at the machine's root", files: map[string]string{"stack.yml": handlerAt("/")}, err: `stack.yml:4: function "web": handler "/" ` + outsideMsg},
	{name: "handler ..", files: map[string]string{"stack.yml": handlerAt("..")}, err: `stack.yml:4: function "web": handler ".." ` + outsideMsg},
	{name: "handler with NUL", files: map[string]string{"stack.yml": handlerAt(`"./web\0"`), "web/Dockerfile": "FROM x\n"}, err: `stack.yml:4: function "web": handler "./web\x00" ` + outsideMsg},
	{name: "handler of a stack file in a folder climbing out", files: map[string]string{"fns/stack.yml": handlerAt("../../web")}, cfg: Config{StackFile: "fns/stack.yml"},
		err: `fns/stack.yml:4: function "web": handler "../../web" ` + outsideMsg},
	{name: "handler linked out", files: map[string]string{"stack.yml": webFn}, links: map[string]string{"web": "OUTSIDE"},
		err: `stack.yml:4: function "web": handler "./web" leads outside the repository through a symbolic link`},
	{name: "handler linked to /", files: map[string]string{"stack.yml": webFn}, links: map[string]string{"web": "/"},
		err: `stack.yml:4: function "web": handler "./web" leads outside the repository through a symbolic link`},
	{name: "environment file absolute", files: map[string]string{"stack.yml": webFn + "    environment_file: [/etc/passwd]\n", "web/Dockerfile": "FROM x\n"},
		err: `stack.yml:5: function "web": environment_file "/etc/passwd" ` + outsideMsg},
	{name: "environment file ../..", files: map[string]string{"stack.yml": webFn + "    environment_file: [../../env.yml]\n", "web/Dockerfile": "FROM x\n"},
		err: `stack.yml:5: function "web": environment_file "../../env.yml" ` + outsideMsg},
	{name: "environment file linked out", files: map[string]string{"stack.yml": webFn + "    environment_file: [env.yml]\n", "web/Dockerfile": "FROM x\n"},
		links: map[string]string{"env.yml": "OUTSIDE/env.yml"},
		err:   `stack.yml:5: function "web": environment_file "env.yml" leads outside the repository through a symbolic link`},
	{name: "environment file linked to /etc/passwd", files: map[string]string{"stack.yml": webFn + "    environment_file: [env.yml]\n", "web/Dockerfile": "FROM x\n"},
		links: map[string]string{"env.yml": "/etc/passwd"},
		err:   `stack.yml:5: function "web": environment_file "env.yml" leads outside the repository through a symbolic link`},
	{name: "stack file linked out", files: map[string]string{"web/Dockerfile": "FROM x\n"}, links: map[string]string{"stack.yml": "OUTSIDE/stack.yml"},
		err: "read stack.yml: it is a symbolic link that leads outside the repository"},
	{name: "stack file configured above the repository", files: map[string]string{"web/Dockerfile": "FROM x\n"}, cfg: Config{StackFile: "../stack.yml"},
		err: `stack file "../stack.yml" is not a file of the repository`},
	{name: "stack file configured absolute", files: map[string]string{"web/Dockerfile": "FROM x\n"}, cfg: Config{StackFile: "/etc/passwd"},
		err: "no stack file: etc/passwd is not in the repository"},
	{name: "template ../go", files: map[string]string{"stack.yml": "functions:\n  api:\n    lang: ../go\n    handler: ./api\n"},
		err: `stack.yml:3: function "api": lang "../go" is not a template name`},
	{name: "template /go", files: map[string]string{"stack.yml": "functions:\n  api:\n    lang: /go\n    handler: ./api\n"},
		err: `stack.yml:3: function "api": lang "/go" is not a template name`},
	{name: "template go/../../x", files: map[string]string{"stack.yml": "functions:\n  api:\n    lang: go/../../x\n    handler: ./api\n"},
		err: `stack.yml:3: function "api": lang "go/../../x" is not a template name`},
	{name: "Dockerfile linked out", files: map[string]string{"stack.yml": webFn}, links: map[string]string{"web/Dockerfile": "OUTSIDE/Dockerfile"},
		problem: `stack.yml: function "web": handler "./web": Dockerfile leads outside the repository through a symbolic link`},
	{name: "a file of the handler linked out", files: map[string]string{"stack.yml": webFn, "web/Dockerfile": "FROM x\n"}, links: map[string]string{"web/key": "/etc/passwd"},
		problem: `stack.yml: function "web": handler "./web": web/key is a symbolic link that leads outside the repository`},
	{name: "a folder of the handler linked to /", files: map[string]string{"stack.yml": webFn, "web/Dockerfile": "FROM x\n"}, links: map[string]string{"web/host": "/"},
		problem: `stack.yml: function "web": handler "./web": web/host is a symbolic link that leads outside the repository`},
	{name: "a handler folder linked into itself", files: map[string]string{"stack.yml": webFn, "web/Dockerfile": "FROM x\n"}, links: map[string]string{"web/loop": "."},
		problem: `stack.yml: function "web": handler "./web": web/loop/loop/loop/loop/loop/loop/loop/loop/loop: too many levels of symbolic links`},
	{name: "template folder linked out", files: map[string]string{"stack.yml": "functions:\n  api:\n    lang: go\n    handler: ./api\n", "api/main.go": "x"},
		links:   map[string]string{"template/go": "OUTSIDE/go"},
		problem: `stack.yml: function "api": template/go in the repository leads outside its folder through a symbolic link`},
	{name: "a template file linked out", files: map[string]string{"stack.yml": "functions:\n  api:\n    lang: go\n    handler: ./api\n", "api/main.go": "x",
		"template/go/Dockerfile": "FROM x\n"}, links: map[string]string{"template/go/passwd": "/etc/passwd"},
		problem: `stack.yml: function "api": template template/go: template/go/passwd is a symbolic link that leads outside the repository`},
	{name: "a template's Dockerfile linked out", files: map[string]string{"stack.yml": "functions:\n  api:\n    lang: go\n    handler: ./api\n", "api/main.go": "x",
		"template/go/x": "x"}, links: map[string]string{"template/go/Dockerfile": "OUTSIDE/Dockerfile"},
		problem: `stack.yml: function "api": template template/go: template/go/Dockerfile is a symbolic link that leads outside the repository`},
	{name: "a template's handler_folder climbing out", files: map[string]string{"stack.yml": "functions:\n  api:\n    lang: go\n    handler: ./api\n", "api/main.go": "x",
		"template/go/Dockerfile": "FROM x\n", "template/go/template.yml": "language: go\nhandler_folder: ../../x\n"},
		problem: `stack.yml: function "api": template "go": handler_folder "../../x" is not a folder inside the template`},
	{name: "handler at the repository's root", files: map[string]string{"stack.yml": handlerAt("."), "Dockerfile": "FROM x\n"}},
	{name: "handler of a stack file in a folder, up one", files: map[string]string{"fns/stack.yml": handlerAt("../web"), "web/Dockerfile": "FROM x\n"},
		cfg: Config{StackFile: "fns/stack.yml"}},
	{name: "handler linked inside the repository", files: map[string]string{"stack.yml": webFn, "src/Dockerfile": "FROM x\n"}, links: map[string]string{"web": "src"}},
	{name: "a file of the handler linked inside", files: map[string]string{"stack.yml": webFn, "web/Dockerfile": "FROM x\n", "shared/lib.txt": "x"},
		links: map[string]string{"web/lib.txt": "../shared/lib.txt"}},
}

// TestCorpusPaths plans every pathCase from a real repository folder.
func TestCorpusPaths(t *testing.T) {
	if len(pathCases) < 31 {
		t.Errorf("%d path cases, want at least 31", len(pathCases))
	}
	outside := writeRepo(t, map[string]string{"stack.yml": webFn, "env.yml": "environment:\n  A: b\n", "Dockerfile": "FROM x\n", "go/Dockerfile": "FROM x\n"})
	for _, c := range pathCases {
		t.Run(c.name, func(t *testing.T) {
			repo := writeRepo(t, c.files)
			for name, target := range c.links {
				p := filepath.Join(repo, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(strings.Replace(target, "OUTSIDE", outside, 1), p); err != nil {
					t.Fatal(err)
				}
			}
			cfg := c.cfg
			cfg.ImageRef = localRef
			specs, err := specsOf(New(cfg).Plan(context.Background(), event(), repo, t.TempDir()))
			if c.err != "" {
				if err == nil || err.Error() != c.err || pipeline.IsTransient(err) {
					t.Fatalf("err = %v\nwant  %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			if len(specs) != 1 || specs[0].Problem != c.problem {
				t.Fatalf("specs = %+v\nwant one with problem %q", specs, c.problem)
			}
		})
	}
}

// TestCorpusDeployNames checks what DeployName promises for whatever the
// forge sends as owner, repository and branch: a valid function name.
// Function names themselves are checked by the stack file (stack's
// corpus refuses every one that is not a DNS-1123 label), so a function
// is never deployed under a name its author did not write.
func TestCorpusDeployNames(t *testing.T) {
	cases := []struct{ owner, repo, branch, fn string }{
		{"Alex", "My.Functions", "", "api"},
		{"alex", "my_functions", "Feature/ÜNÏCÖDÉ-🚀", "api"},
		{"a", "b", "a\nb\x00c", "fn"},
		{strings.Repeat("o", 100), strings.Repeat("r", 100), strings.Repeat("b", 255), strings.Repeat("f", 63)},
		{"-", "..", "--", "x"},
		{"🚀", "🚀", "🚀", "a"},
		{"", "", "", "a"},
		{"group/sub/sub2", "project", "pr:12", "api"},
		{"o", "r", "refs/heads/main", "1"},
		{"UPPER", "CASE", "MAIN", "api"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		name := DeployName(c.owner, c.repo, c.branch, c.fn)
		if !stack.ValidName(name) {
			t.Errorf("DeployName(%q, %q, %q, %q) = %q, not a DNS-1123 label", c.owner, c.repo, c.branch, c.fn, name)
		}
		if seen[name] {
			t.Errorf("DeployName(%q, %q, %q, %q) = %q, the name of another case", c.owner, c.repo, c.branch, c.fn, name)
		}
		seen[name] = true
	}
}
