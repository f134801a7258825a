package plan

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

const commit = "0123456789abcdef0123456789abcdef01234567"

func event() pipeline.Event {
	return pipeline.Event{
		Kind:   pipeline.Push,
		Repo:   pipeline.Repo{Provider: pipeline.GitHub, Owner: "Alex", Name: "My.Functions", DefaultBranch: "main"},
		Ref:    "refs/heads/main",
		Branch: "main",
		Commit: commit,
	}
}

// withProduction is m plus the origin of event()'s production deployment.
func withProduction(m map[string]string) map[string]string {
	out := map[string]string{
		pipeline.LabelOwner: "Alex", pipeline.LabelRepo: "My.Functions", pipeline.LabelBranch: "main",
		pipeline.LabelCommit: commit, pipeline.LabelPreview: "false",
	}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const stackYML = `version: 1.0
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
functions:
  web:
    lang: dockerfile
    handler: ./web
    build_secrets:
      npm_token: ./secrets/npm.txt
      cert.pem: /home/me/cert.pem
  api:
    lang: go
    handler: ./api
    image: ignored/api:latest
    build_args:
      MODE: ${MODE:-dev}
    environment:
      DB_HOST: db.internal
      LEVEL: inline
    environment_file:
      - env/common.yml
    secrets: [db-password]
    labels:
      com.openfaas.scale.min: 2
    annotations:
      topic: orders
    constraints:
      - node.platform.os == linux
    limits:
      memory: 128Mi
      cpu: 500m
    requests:
      memory: 64Mi
    readonly_root_filesystem: true
    fprocess: ./custom
  job:
    lang: py
    handler: ./job
    build_options: [dev, dev2]
    build_args:
      ADDITIONAL_PACKAGE: curl make
`

func TestPlan(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml":                stackYML,
		"env/common.yml":           "environment:\n  LEVEL: file\n  REGION: eu\n",
		"web/Dockerfile":           "FROM busybox\n",
		"api/handler.go":           "package function\n",
		"api/go.mod":               "module handler\n",
		"job/main.py":              "print(1)\n",
		"template/py/Dockerfile":   "FROM python\nARG ADDITIONAL_PACKAGE\n",
		"template/py/template.yml": "language: py\nfprocess: python3 main.py\nbuild_options:\n  - name: dev\n    packages: [make, gcc]\n  - name: dev2\n    packages: [git]\n",
	})
	work := t.TempDir()
	p := New(Config{ImageRef: localRef, Lookup: func(k string) (string, bool) {
		if k == "MODE" {
			return "prod", true
		}
		return "", false
	}})
	specs, err := specsOf(p.Plan(context.Background(), event(), repo, work))
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	// Every function is told its siblings' deployed names.
	family := func(m map[string]string) map[string]string {
		out := map[string]string{
			"OFC_FUNCTION_API": "alex-my-functions-api-70e0c2cfa5",
			"OFC_FUNCTION_JOB": "alex-my-functions-job-58a19218d3",
			"OFC_FUNCTION_WEB": "alex-my-functions-web-ec86d455fd",
		}
		maps.Copy(out, m)
		return out
	}
	want := []pipeline.FunctionSpec{
		{
			Name: "api", DeployName: DeployName("Alex", "My.Functions", "", "api"), Lang: "go", TemplateFrom: "shipped template go",
			ContextDir: filepath.Join(work, "api"), Dockerfile: "Dockerfile",
			BuildArgs: map[string]string{"MODE": "prod"},
			Image:     "127.0.0.1:5000/alex/my.functions/api:" + commit,
			Deployment: pipeline.Deployment{
				// environment_file overrides the inline environment, as with faas-cli.
				EnvVars:                family(map[string]string{"DB_HOST": "db.internal", "LEVEL": "file", "REGION": "eu"}),
				Secrets:                []string{"db-password"},
				Labels:                 withProduction(map[string]string{"com.openfaas.scale.min": "2"}),
				Annotations:            withProduction(map[string]string{"topic": "orders"}),
				Constraints:            []string{"node.platform.os == linux"},
				Limits:                 &pipeline.Resources{Memory: "128Mi", CPU: "500m"},
				Requests:               &pipeline.Resources{Memory: "64Mi"},
				ReadOnlyRootFilesystem: true,
				EnvProcess:             "./custom",
			},
		},
		{
			Name: "job", DeployName: DeployName("Alex", "My.Functions", "", "job"), Lang: "py", TemplateFrom: "template/py in the repository",
			ContextDir: filepath.Join(work, "job"), Dockerfile: "Dockerfile",
			BuildArgs:  map[string]string{"ADDITIONAL_PACKAGE": "curl gcc git make"},
			Image:      "127.0.0.1:5000/alex/my.functions/job:" + commit,
			Deployment: pipeline.Deployment{EnvProcess: "python3 main.py", EnvVars: family(nil), Labels: withProduction(nil), Annotations: withProduction(nil)},
		},
		{
			Name: "web", DeployName: DeployName("Alex", "My.Functions", "", "web"), Lang: "dockerfile", TemplateFrom: "Dockerfile in the handler",
			ContextDir: filepath.Join(work, "web"), Dockerfile: "Dockerfile",
			BuildSecrets: []string{"cert.pem", "npm_token"},
			Image:        "127.0.0.1:5000/alex/my.functions/web:" + commit,
			Deployment:   pipeline.Deployment{EnvVars: family(nil), Labels: withProduction(nil), Annotations: withProduction(nil)},
		},
	}
	for i := range specs {
		// What the hash covers is tested on its own.
		if len(specs[i].ContentHash) != 64 {
			t.Errorf("%s: content hash %q", specs[i].Name, specs[i].ContentHash)
		}
		specs[i].ContentHash = ""
	}
	if !reflect.DeepEqual(specs, want) {
		t.Errorf("Plan =\n%+v\nwant\n%+v", specs, want)
	}
	for _, f := range []string{"api/main.go", "api/function/handler.go", "job/function/main.py", "web/Dockerfile"} {
		if _, err := os.Stat(filepath.Join(work, f)); err != nil {
			t.Errorf("context file %s: %v", f, err)
		}
	}
}

func TestPlanImageRefHook(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yaml":     "functions:\n  web:\n    lang: dockerfile\n    handler: web\n",
		"web/Dockerfile": "FROM busybox\n",
	})
	p := New(Config{ImageRef: func(owner, repo, fn, commit string) string {
		return strings.Join([]string{"reg", owner, repo, fn, commit}, "|")
	}})
	specs, err := specsOf(p.Plan(context.Background(), event(), repo, t.TempDir()))
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if got, want := specs[0].Image, "reg|Alex|My.Functions|web|"+commit; got != want {
		t.Errorf("Image = %q, want %q", got, want)
	}
	if len(specs[0].Aliases) != 0 {
		t.Errorf("a branch's build pushes aliases %v, want none", specs[0].Aliases)
	}

	// A tag's build pushes the image under the tag's name too.
	ev := event()
	ev.Kind, ev.Ref, ev.Branch, ev.Tag = pipeline.Tag, "refs/tags/v1.2.0", "", "v1.2.0"
	specs, err = specsOf(p.Plan(context.Background(), ev, repo, t.TempDir()))
	if err != nil {
		t.Fatalf("Plan of a tag: %v", err)
	}
	if got, want := specs[0].Aliases, []string{"reg|Alex|My.Functions|web|v1.2.0"}; !reflect.DeepEqual(got, want) ||
		specs[0].Image != "reg|Alex|My.Functions|web|"+commit {
		t.Errorf("tag build pushes %q and %q, want %q and the commit's", specs[0].Image, got, want)
	}
}

// A branch other than the default one deploys its preview, under its own
// name and labelled with the branch and the pull request.
func TestPlanPreviewOfABranch(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml":      "functions:\n  web:\n    lang: dockerfile\n    handler: web\n    labels:\n      ofc/branch: spoofed\n",
		"web/Dockerfile": "FROM busybox\n",
	})
	ev := event()
	ev.Ref, ev.Branch, ev.PullRequest = "refs/heads/feature/Fix it", "feature/Fix it", 7
	specs, err := specsOf(New(Config{ImageRef: localRef}).Plan(context.Background(), ev, repo, t.TempDir()))
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	fn := specs[0]
	if want := DeployName("Alex", "My.Functions", "feature/Fix it", "web"); fn.DeployName != want || fn.DeployName == DeployName("Alex", "My.Functions", "", "web") {
		t.Errorf("DeployName = %q, want the preview's %q", fn.DeployName, want)
	}
	wantLabels := map[string]string{
		pipeline.LabelOwner: "Alex", pipeline.LabelRepo: "My.Functions", pipeline.LabelBranch: "feature_Fix_it",
		pipeline.LabelCommit: commit, pipeline.LabelPreview: "true", pipeline.LabelPullRequest: "7",
	}
	if !reflect.DeepEqual(fn.Deployment.Labels, wantLabels) {
		t.Errorf("Labels = %v, want %v", fn.Deployment.Labels, wantLabels)
	}
	if got := fn.Deployment.Annotations[pipeline.LabelBranch]; got != "feature/Fix it" {
		t.Errorf("branch annotation = %q, want the exact branch", got)
	}
}

func TestPlanErrors(t *testing.T) {
	base := map[string]string{"web/Dockerfile": "FROM busybox\n", "api/handler.go": "package function\n"}
	with := func(files map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range files {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name  string
		files map[string]string
		cfg   Config
		ev    func(*pipeline.Event)
		want  string
	}{
		{"no stack file", base, Config{}, nil, "no stack file: neither stack.yml nor stack.yaml is at the root of the repository"},
		{"custom stack file missing", base, Config{StackFile: "fns.yml"}, nil, "no stack file: fns.yml is not in the repository"},
		{"handler missing", with(map[string]string{"stack.yml": "functions:\n  api:\n    lang: go\n    handler: ./nope\n"}), Config{}, nil,
			`stack.yml:4: function "api": handler "./nope" does not exist`},
		{"bad stack file", with(map[string]string{"stack.yml": "functions:\n  api:\n    lang: go\n    handlr: ./api\n"}), Config{}, nil,
			"stack.yml:2: function \"api\": \"handler\" is missing: give the folder of the function's code, e.g. \"handler: ./api\"\n" +
				`stack.yml:4: function "api": unknown field "handlr" is ignored: did you mean "handler"?`},
		{"no registry", with(map[string]string{"stack.yml": "functions:\n  web:\n    lang: dockerfile\n    handler: ./web\n"}), Config{ImageRef: nil}, nil,
			"plan: no registry configured"},
		{"no commit", with(map[string]string{"stack.yml": "functions:\n  web:\n    lang: dockerfile\n    handler: ./web\n"}), Config{}, func(ev *pipeline.Event) { ev.Commit = "" },
			"plan Alex/My.Functions: the event names no commit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := writeRepo(t, tt.files)
			cfg := tt.cfg
			if tt.name != "no registry" {
				cfg.ImageRef = localRef
			}
			ev := event()
			if tt.ev != nil {
				tt.ev(&ev)
			}
			_, err := specsOf(New(cfg).Plan(context.Background(), ev, repo, t.TempDir()))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v\nwant  %s", err, tt.want)
			}
			if pipeline.IsTransient(err) {
				t.Errorf("a user error is marked transient: %v", err)
			}
		})
	}
}

func TestPlanCancelledIsTransient(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml":      "functions:\n  web:\n    lang: dockerfile\n    handler: ./web\n",
		"web/Dockerfile": "FROM busybox\n",
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := specsOf(New(Config{ImageRef: localRef}).Plan(ctx, event(), repo, t.TempDir()))
	if !pipeline.IsTransient(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a transient context.Canceled", err)
	}
}

func TestPlanStackFileInAFolder(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"functions/stack.yml":      "functions:\n  web:\n    lang: dockerfile\n    handler: ./web\n",
		"functions/web/Dockerfile": "FROM busybox\n",
	})
	work := t.TempDir()
	specs, err := specsOf(New(Config{ImageRef: localRef, StackFile: "functions/stack.yml"}).Plan(context.Background(), event(), repo, work))
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if len(specs) != 1 || specs[0].ContextDir != filepath.Join(work, "web") {
		t.Fatalf("specs = %+v", specs)
	}
	if _, err := os.Stat(filepath.Join(work, "web", "Dockerfile")); err != nil {
		t.Errorf("Dockerfile not in the context: %v", err)
	}
}

// localRef names images as the registry package does for a plain-HTTP
// registry at 127.0.0.1:5000.
func localRef(owner, repo, fn, commit string) string {
	return strings.ToLower("127.0.0.1:5000/" + owner + "/" + repo + "/" + fn + ":" + commit)
}

func TestPlanReadsTheStackFileConfiguredForTheRepository(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml":      "functions:\n  web:\n    lang: dockerfile\n    handler: ./web\n",
		"mobile.yml":     "functions:\n  app:\n    lang: dockerfile\n    handler: ./web\n",
		"web/Dockerfile": "FROM busybox\n",
	})
	ev := event()
	cfg := Config{ImageRef: localRef, StackFiles: map[string]string{strings.ToLower(ev.Repo.FullName()): "mobile.yml"}}
	specs, err := specsOf(New(cfg).Plan(context.Background(), ev, repo, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 1 || specs[0].Name != "app" {
		t.Fatalf("planned %+v, want the function of mobile.yml", specs)
	}
	ev.Repo.Name = "other"
	specs, err = specsOf(New(cfg).Plan(context.Background(), ev, repo, t.TempDir()))
	if err != nil || len(specs) != 1 || specs[0].Name != "web" {
		t.Fatalf("another repository planned %+v (%v), want stack.yml's function", specs, err)
	}
}

// TestPlanFunctionProblems checks that a function that cannot be built
// gets its own problem while the others are planned, so that every
// problem shows at once.
func TestPlanFunctionProblems(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml": "functions:\n" +
			"  web:\n    lang: dockerfile\n    handler: ./web\n" +
			"  old:\n    lang: node12\n    handler: ./api\n" +
			"  typo:\n    lang: pyhton3\n    handler: ./api\n" +
			"  bare:\n    lang: dockerfile\n    handler: ./api\n" +
			"  opts:\n    lang: golang-middleware\n    handler: ./api\n    build_options: [dev]\n",
		"web/Dockerfile": "FROM busybox\n",
		"api/handler.go": "package function\n",
	})
	specs, err := specsOf(New(Config{ImageRef: localRef}).Plan(context.Background(), event(), repo, t.TempDir()))
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	avail := "dockerfile, go, golang-middleware, node20, python3, python3-flask, python3-http"
	want := map[string]string{
		"web":  "",
		"old":  `stack.yml: function "old": template "node12" was retired by OpenFaaS (Node.js 12 is end of life): move to node20, the nearest current template (available: ` + avail + `); to use your own, add it to the repository as template/node12/ (faas-cli template pull puts it there)`,
		"typo": `stack.yml: function "typo": unknown template "pyhton3": the nearest is python3 (available: ` + avail + `); to use your own, add it to the repository as template/pyhton3/ (faas-cli template pull puts it there)`,
		"bare": `stack.yml: function "bare": handler "./api" has no Dockerfile: lang "dockerfile" builds the Dockerfile in the handler folder`,
		"opts": `stack.yml: function "opts": build option "dev": template "golang-middleware" offers no build options`,
	}
	if len(specs) != len(want) {
		t.Fatalf("%d specs, want %d", len(specs), len(want))
	}
	for _, s := range specs {
		if s.Problem != want[s.Name] {
			t.Errorf("%s: problem %q\nwant %q", s.Name, s.Problem, want[s.Name])
		}
		if s.DeployName == "" || s.Image == "" {
			t.Errorf("%s: a failed function still needs its names for its status: %+v", s.Name, s)
		}
		if s.Problem == "" && s.ContextDir == "" {
			t.Errorf("%s: planned without a build context", s.Name)
		}
	}
}

// TestPlanWatchdogsAndInstallationArgs checks that a Dockerfile copying
// OpenFaaS's watchdogs gets the service's instead, and that the
// installation's build arguments reach the build under the function's own.
func TestPlanWatchdogsAndInstallationArgs(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml": "functions:\n  web:\n    lang: dockerfile\n    handler: ./web\n    build_args:\n      GOPROXY: https://mine\n      WATCHDOG: 0.9.2\n",
		"web/Dockerfile": "ARG WATCHDOG=0.8.0\nFROM ghcr.io/openfaas/of-watchdog:${WATCHDOG} as watchdog\n" +
			"FROM openfaas/classic-watchdog:0.2.1 AS classic\nFROM busybox\nCOPY --from=watchdog /fwatchdog /usr/bin/fwatchdog\n",
	})
	wd := writeRepo(t, map[string]string{"of/fwatchdog": "of", "classic/fwatchdog": "classic"})
	of, classic := filepath.Join(wd, "of"), filepath.Join(wd, "classic")
	cfg := Config{
		ImageRef:  localRef,
		BuildArgs: map[string]string{"GOPROXY": "https://proxy.internal", "PIP_INDEX_URL": "https://pypi.internal/simple/"},
		Watchdogs: map[string]string{"of-watchdog": of, "classic-watchdog": classic},
	}
	specs, err := specsOf(New(cfg).Plan(context.Background(), event(), repo, t.TempDir()))
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	got := specs[0]
	wantNamed := map[string]string{"ghcr.io/openfaas/of-watchdog:0.9.2": of, "openfaas/classic-watchdog:0.2.1": classic}
	if !reflect.DeepEqual(got.NamedContexts, wantNamed) {
		t.Errorf("named contexts = %v, want %v", got.NamedContexts, wantNamed)
	}
	wantArgs := map[string]string{"GOPROXY": "https://mine", "WATCHDOG": "0.9.2", "PIP_INDEX_URL": "https://pypi.internal/simple/"}
	if !reflect.DeepEqual(got.BuildArgs, wantArgs) {
		t.Errorf("build args = %v, want %v", got.BuildArgs, wantArgs)
	}
	if cfg.BuildArgs["GOPROXY"] != "https://proxy.internal" {
		t.Error("planning changed the installation's build arguments")
	}
}

// specsOf is the functions of a Plan call's result.
func specsOf(pl pipeline.Plan, err error) ([]pipeline.FunctionSpec, error) { return pl.Functions, err }
