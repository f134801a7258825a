package stack

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadCases are repositories whose stack or environment files are refused
// when read from disk: too large (sparse files of tens of MiB, of which
// only the limit is read), expanding, holding what an environment
// cannot, or links out of the repository.
var loadCases = []struct {
	name  string
	files map[string]string
	// sparse are files made that many bytes long, mostly a hole.
	sparse map[string]int64
	links  map[string]string
	want   string
}{
	{"stack file of 40 MiB", map[string]string{"stack.yml": apiStack, "api/main.go": "x"}, map[string]int64{"stack.yml": 40 << 20}, nil,
		"stack.yml: the file is larger than 262144 bytes"},
	{"stack.yaml of 40 MiB", map[string]string{"stack.yaml": apiStack, "api/main.go": "x"}, map[string]int64{"stack.yaml": 40 << 20}, nil,
		"stack.yaml: the file is larger than 262144 bytes"},
	{"environment file of 40 MiB", map[string]string{"stack.yml": apiStack + "    environment_file: [env.yml]\n", "api/main.go": "x", "env.yml": "environment:\n"},
		map[string]int64{"env.yml": 40 << 20}, nil,
		`stack.yml:5: function "api": environment_file "env.yml" is larger than 262144 bytes`},
	{"environment file bomb", map[string]string{"stack.yml": apiStack + "    environment_file: [env.yml]\n", "api/main.go": "x",
		"env.yml": strings.Replace(aliasBomb(9, 10, true, "environment: *a9\n"), "functions:\n", "x:\n", 1)}, nil, nil,
		`stack.yml:5: function "api": environment_file "env.yml": line 12: alias *a9 ` + bombAlias},
	{"environment file value with NUL", map[string]string{"stack.yml": apiStack + "    environment_file: [env.yml]\n", "api/main.go": "x",
		"env.yml": "environment:\n  A: \"x\\0\"\n"}, nil, nil,
		`stack.yml:5: function "api": environment_file "env.yml": environment "A": the value holds a NUL byte`},
	{"environment file name with =", map[string]string{"stack.yml": apiStack + "    environment_file: [env.yml]\n", "api/main.go": "x",
		"env.yml": "environment:\n  \"A=B\": x\n"}, nil, nil,
		`stack.yml:5: function "api": environment_file "env.yml": environment key "A=B": a variable's name cannot hold "="`},
	{"stack file linked out of the repository", map[string]string{"api/main.go": "x"}, nil, map[string]string{"stack.yml": "OUTSIDE/stack.yml"},
		"read stack.yml: it is a symbolic link that leads outside the repository"},
	{"stack file linked to a device", map[string]string{"api/main.go": "x"}, nil, map[string]string{"stack.yml": "/dev/zero"},
		"read stack.yml: it is a symbolic link that leads outside the repository"},
	{"stack file is a folder", map[string]string{"stack.yml/x": "x"}, nil, nil,
		"read stack.yml: stack.yml is not a regular file"},
	{"environment file linked to a device", map[string]string{"stack.yml": apiStack + "    environment_file: [env.yml]\n", "api/main.go": "x"}, nil,
		map[string]string{"env.yml": "/dev/zero"},
		`stack.yml:5: function "api": environment_file "env.yml" leads outside the repository through a symbolic link`},
	{"environment file is a folder", map[string]string{"stack.yml": apiStack + "    environment_file: [env]\n", "api/main.go": "x", "env/x": "x"}, nil, nil,
		`stack.yml:5: function "api": environment_file "env": env is not a regular file`},
	{"handler linked to the root of the machine", map[string]string{"stack.yml": apiStack}, nil, map[string]string{"api": "/"},
		`stack.yml:4: function "api": handler "./api" leads outside the repository through a symbolic link`},
}

// TestCorpusLoad loads each of loadCases from a real repository folder.
func TestCorpusLoad(t *testing.T) {
	if len(loadCases) < 12 {
		t.Errorf("%d load cases, want at least 12", len(loadCases))
	}
	outside := t.TempDir()
	write(t, outside, "stack.yml", apiStack)
	for _, c := range loadCases {
		t.Run(c.name, func(t *testing.T) {
			repo := t.TempDir()
			for name, content := range c.files {
				write(t, repo, name, content)
			}
			for name, size := range c.sparse {
				if err := os.Truncate(filepath.Join(repo, name), size); err != nil {
					t.Fatal(err)
				}
			}
			for name, target := range c.links {
				mustSymlink(t, strings.Replace(target, "OUTSIDE", outside, 1), filepath.Join(repo, name))
			}
			_, err := LoadDir(context.Background(), repo, "", nil)
			if err == nil || err.Error() != c.want {
				t.Errorf("err = %v\nwant  %s", err, c.want)
			}
		})
	}
}
