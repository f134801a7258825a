package plan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configuration.copy puts shared code in every function's handler
// folder, as faas-cli builds it: function/<path> in a template, <path> at
// the root of a Dockerfile's context.
func TestPlanCopiesSharedPathsIntoEveryFunction(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"fns/stack.yml": "configuration:\n  copy:\n    - ./common\n    - shared/util.txt\n" +
			"functions:\n  web:\n    lang: dockerfile\n    handler: ./web\n  job:\n    lang: py\n    handler: ./job\n",
		"fns/web/Dockerfile":       "FROM busybox\n",
		"fns/job/main.py":          "print(1)\n",
		"fns/common/lib/db.txt":    "db\n",
		"fns/shared/util.txt":      "util\n",
		"template/py/Dockerfile":   "FROM python\n",
		"template/py/template.yml": "language: py\n",
	})
	work := t.TempDir()
	pl, err := New(Config{ImageRef: localRef, StackFile: "fns/stack.yml"}).Plan(context.Background(), event(), repo, work)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range pl.Functions {
		if s.Problem != "" {
			t.Fatalf("%s: %s", s.Name, s.Problem)
		}
	}
	for f, want := range map[string]string{
		"web/common/lib/db.txt":          "db\n",
		"web/shared/util.txt":            "util\n",
		"web/Dockerfile":                 "FROM busybox\n",
		"job/function/common/lib/db.txt": "db\n",
		"job/function/shared/util.txt":   "util\n",
		"job/function/main.py":           "print(1)\n",
	} {
		got, err := os.ReadFile(filepath.Join(work, f))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", f, got, err, want)
		}
	}
}

func TestPlanRefusesCopyPathsOutsideTheStackFilesFolder(t *testing.T) {
	for path, want := range map[string]string{
		"../secrets": `configuration.copy "../secrets": want a path inside the stack file's folder, and not the whole of it`,
		".":          `configuration.copy ".": want a path inside the stack file's folder, and not the whole of it`,
		"/etc":       `configuration.copy "/etc": want a path inside the stack file's folder`,
		"missing":    `copy "missing": does not exist`,
	} {
		repo := writeRepo(t, map[string]string{
			"stack.yml":      "configuration:\n  copy: [\"" + path + "\"]\nfunctions:\n  web:\n    lang: dockerfile\n    handler: ./web\n",
			"web/Dockerfile": "FROM busybox\n",
		})
		pl, err := New(Config{ImageRef: localRef}).Plan(context.Background(), event(), repo, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if p := pl.Functions[0].Problem; !strings.Contains(p, want) {
			t.Errorf("copy %q: problem = %q, want %q", path, p, want)
		}
	}
}
