package template

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The build arguments a stack file sets for OpenFaaS's templates, which
// the shipped ones read too. test/buildargs_test.go builds with them.

var shippedLangs = []string{"golang-middleware", "go", "node20", "python3-http", "python3-flask", "python3"}

// stage is a Dockerfile stage: its FROM line, its name and its lines.
type stage struct {
	from, name string
	lines      []string
}

func stages(dockerfile string) []stage {
	var out []stage
	for _, line := range strings.Split(dockerfile, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "FROM" {
			s := stage{from: f[len(f)-1]}
			if len(f) >= 4 && strings.EqualFold(f[len(f)-2], "AS") {
				s.from, s.name = f[len(f)-3], f[len(f)-1]
			}
			out = append(out, s)
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].lines = append(out[len(out)-1].lines, line)
		}
	}
	return out
}

// TestShippedTemplatesInstallAdditionalPackages checks that every shipped
// template installs ADDITIONAL_PACKAGE (and UPGRADE_PACKAGES) with
// apt-get, as root, in a Debian stage the shipped image is built on, and
// declares the other build arguments OpenFaaS's template of its family
// reads.
func TestShippedTemplatesInstallAdditionalPackages(t *testing.T) {
	others := map[string][]string{
		"python": {"PYTHON_VERSION", "DEBIAN_OS", "TEST_ENABLED", "TEST_COMMAND"},
		"go":     {"GO111MODULE", "GOFLAGS", "CGO_ENABLED"},
	}
	for _, lang := range shippedLangs {
		t.Run(lang, func(t *testing.T) {
			dir := prepare(t, lang, map[string]string{"README.md": "a handler\n"})
			if !exists(filepath.Join(dir, "debian-packages.sh")) {
				t.Fatal("debian-packages.sh is not in the context")
			}
			df := read(t, filepath.Join(dir, "Dockerfile"))
			for _, arg := range append([]string{"ADDITIONAL_PACKAGE", "UPGRADE_PACKAGES"}, others[family(lang)]...) {
				if !regexp.MustCompile(`(?m)^ARG ` + arg + `\b`).MatchString(df) {
					t.Errorf("the Dockerfile does not read the build argument %s", arg)
				}
			}
			ss := stages(df)
			install := -1
			for i, s := range ss {
				for _, line := range s.lines {
					if strings.HasPrefix(line, "USER ") && !strings.HasPrefix(line, "USER root") && install < 0 &&
						slices.ContainsFunc(s.lines, func(l string) bool { return strings.Contains(l, "debian-packages.sh") }) {
						t.Errorf("stage %q switches to %q before it installs the packages, which apt-get does as root", s.name, line)
					}
					if strings.Contains(line, "sh /tmp/debian-packages.sh") {
						install = i
					}
				}
				if install >= 0 {
					break
				}
			}
			if install < 0 {
				t.Fatal("no stage runs debian-packages.sh")
			}
			if from := ss[install].from; !strings.HasPrefix(from, "python:") && !strings.HasPrefix(from, "node:") && !strings.HasPrefix(from, "debian:") {
				t.Errorf("the packages go into a stage FROM %s, not a Debian image", from)
			}
			if last := len(ss) - 1; last != install && ss[last].from != ss[install].name {
				t.Errorf("the shipped stage (FROM %s) is not the one that installs the packages (%s)", ss[last].from, ss[install].name)
			}
		})
	}
}

// debianPackage is the form of a Debian package name.
var debianPackage = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)

// TestPythonBuildOptions checks the build_options of the Python
// templates: the names OpenFaaS's templates give them (python3-http-debian's
// libpq, the Alpine templates' dev, mysql and pillow), the same in each,
// in Debian's package names. Where this machine has apt-cache for
// Debian bookworm, the images' release, every package must be there.
func TestPythonBuildOptions(t *testing.T) {
	var first map[string][]string
	for _, lang := range []string{"python3-http", "python3-flask", "python3", "python3-http-debian"} {
		repo := t.TempDir()
		write(t, repo, map[string]string{"fn/handler.py": "def handle(req):\n    return req\n"})
		c, err := Prepare(context.Background(), repo, lang, "fn", filepath.Join(t.TempDir(), "fn"))
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		names := slices.Sorted(maps.Keys(c.BuildOptions))
		if !slices.Equal(names, []string{"dev", "libpq", "mysql", "pillow"}) {
			t.Errorf("%s offers %v, want dev, libpq, mysql and pillow", lang, names)
		}
		if first == nil {
			first = c.BuildOptions
		} else if !maps.EqualFunc(first, c.BuildOptions, slices.Equal) {
			t.Errorf("%s offers other packages than python3-http: %v", lang, c.BuildOptions)
		}
	}
	if !slices.Equal(first["libpq"], []string{"libpq-dev", "gcc", "python3-dev"}) {
		t.Errorf("libpq = %v, want python3-http-debian's libpq-dev gcc python3-dev", first["libpq"])
	}
	var all []string
	for name, pkgs := range first {
		for _, p := range pkgs {
			if !debianPackage.MatchString(p) {
				t.Errorf("build option %s: %q is not a Debian package name", name, p)
			}
			if strings.HasPrefix(p, "musl") || p == "mysql-dev" || p == "jpeg-dev" || p == "zlib-dev" {
				t.Errorf("build option %s: %q is Alpine's name", name, p)
			}
			all = append(all, p)
		}
	}
	checkInBookworm(t, all)
}

// checkInBookworm asks this machine's APT whether Debian bookworm has
// every package; it says nothing where APT or bookworm is not here.
func checkInBookworm(t *testing.T, pkgs []string) {
	t.Helper()
	osRelease, err := os.ReadFile("/etc/os-release")
	if err != nil || !strings.Contains(string(osRelease), "VERSION_CODENAME=bookworm") {
		t.Log("not on Debian bookworm: the packages' existence is not checked")
		return
	}
	apt, err := exec.LookPath("apt-cache")
	if err != nil {
		t.Log("no apt-cache: the packages' existence is not checked")
		return
	}
	slices.Sort(pkgs)
	pkgs = slices.Compact(pkgs)
	out, err := exec.Command(apt, append([]string{"policy"}, pkgs...)...).Output()
	if err != nil {
		t.Fatalf("apt-cache policy: %v", err)
	}
	candidates := map[string]bool{}
	var pkg string
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(line, " ") && strings.HasSuffix(line, ":") {
			pkg = strings.TrimSuffix(line, ":")
		}
		if c, ok := strings.CutPrefix(strings.TrimSpace(line), "Candidate: "); ok && c != "(none)" {
			candidates[pkg] = true
		}
	}
	if len(candidates) == 0 {
		t.Log("APT knows no packages here (no package lists): the packages' existence is not checked")
		return
	}
	for _, p := range pkgs {
		if !candidates[p] {
			t.Errorf("Debian bookworm has no package %s", p)
		}
	}
}

// fakeAptGet is an apt-get that notes how it was called in $APT_LOG and
// fails as FAKE_APT says: "install" (no such package), "update" (the
// mirror did not answer, which apt-get update reports with status 0).
const fakeAptGet = `#!/bin/sh
echo "$*" >>"$APT_LOG"
case "$FAKE_APT:$3" in
install:install) echo "E: Unable to locate package nosuch"; exit 100 ;;
update:update) echo "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease"; exit 0 ;;
esac
echo "apt-get $3 done"
`

// runScript runs a script of a prepared context (and its arguments) with sh, env added to
// this process's, a fake apt-get first on PATH; it returns the output,
// the calls of apt-get and whether the script succeeded.
func runScript(t *testing.T, script []string, dir string, env ...string) (string, []string, bool) {
	t.Helper()
	bin, tmp := t.TempDir(), t.TempDir()
	write(t, bin, map[string]string{"apt-get": fakeAptGet})
	if err := os.Chmod(filepath.Join(bin, "apt-get"), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(tmp, "apt.log")
	cmd := exec.Command("sh", script...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "TMPDIR="+tmp, "APT_LOG="+log,
		"ADDITIONAL_PACKAGE=", "UPGRADE_PACKAGES=", "TEST_ENABLED=", "TEST_COMMAND=", "FAKE_APT=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	var calls []string
	if data, err := os.ReadFile(log); err == nil {
		calls = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	}
	return string(out), calls, err == nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestDebianPackagesScript runs the shared install step as the templates
// do, with the build arguments OpenFaaS's Debian templates read.
func TestDebianPackagesScript(t *testing.T) {
	dir := prepare(t, "python3-http", map[string]string{"handler.py": ""})
	script := filepath.Join(dir, "debian-packages.sh")
	tests := []struct {
		name     string
		env      []string
		ok       bool
		calls    []string
		saysLast string
	}{
		{"nothing asked, no mirror reached", nil, true, nil, ""},
		{"blank", []string{"ADDITIONAL_PACKAGE=  "}, true, nil, ""},
		{"packages", []string{"ADDITIONAL_PACKAGE= jq  curl "}, true,
			[]string{"-q -y update", "-q -y install --no-install-recommends jq curl"}, ""},
		{"upgrade only", []string{"UPGRADE_PACKAGES=true"}, true, []string{"-q -y update", "-q -y upgrade"}, ""},
		{"upgrade as 1, and packages", []string{"UPGRADE_PACKAGES=1", "ADDITIONAL_PACKAGE=jq"}, true,
			[]string{"-q -y update", "-q -y upgrade", "-q -y install --no-install-recommends jq"}, ""},
		{"upgrade false", []string{"UPGRADE_PACKAGES=false"}, true, nil, ""},
		{"a file pattern is a name", []string{"ADDITIONAL_PACKAGE=lib*"}, true,
			[]string{"-q -y update", "-q -y install --no-install-recommends lib*"}, ""},
		{"an option is no package", []string{"ADDITIONAL_PACKAGE=jq -o Debug::pkgProblemResolver=1"}, false, nil,
			`"-o" is not a package name`},
		{"unknown package", []string{"ADDITIONAL_PACKAGE=jq nosuch", "FAKE_APT=install"}, false,
			[]string{"-q -y update", "-q -y install --no-install-recommends jq nosuch"},
			"ADDITIONAL_PACKAGE: apt-get could not install jq nosuch"},
		{"mirror unreachable", []string{"ADDITIONAL_PACKAGE=jq", "FAKE_APT=update"}, false,
			[]string{"-q -y update"}, "Failed to fetch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, calls, ok := runScript(t, []string{script}, dir, tt.env...)
			if ok != tt.ok || !slices.Equal(calls, tt.calls) {
				t.Errorf("succeeded %v with apt-get calls %q, want %v with %q\n%s", ok, calls, tt.ok, tt.calls, out)
			}
			// What went wrong is in the last lines, which the function's
			// status shows.
			if tt.saysLast != "" && !strings.Contains(lastLines(out, 2), tt.saysLast) {
				t.Errorf("the last lines do not say %q:\n%s", tt.saysLast, out)
			}
		})
	}
}

// TestPythonTestsRunWhenEnabled runs the test step of the Python
// templates: nothing unless TEST_ENABLED is true (OpenFaaS's templates
// made tests opt-in), then TEST_COMMAND, tox by default.
func TestPythonTestsRunWhenEnabled(t *testing.T) {
	dir := prepare(t, "python3", map[string]string{"handler.py": ""})
	script := filepath.Join(dir, "python-build.sh")
	ran := "touch ran && echo tests ran"
	tests := []struct {
		name     string
		env      []string
		ok, ran  bool
		saysLast string
	}{
		{"off by default", []string{"TEST_COMMAND=" + ran}, true, false, ""},
		{"off", []string{"TEST_ENABLED=false", "TEST_COMMAND=" + ran}, true, false, ""},
		{"on", []string{"TEST_ENABLED=true", "TEST_COMMAND=" + ran}, true, true, "tests ran"},
		{"on as 1", []string{"TEST_ENABLED=1", "TEST_COMMAND=" + ran}, true, true, "tests ran"},
		{"failing", []string{"TEST_ENABLED=true", "TEST_COMMAND=" + ran + " && exit 3"}, false, true,
			"the function's tests failed: " + ran + " && exit 3 exited with 3"},
		{"tox without tox", []string{"TEST_ENABLED=true", "TEST_COMMAND=tox -e lint"}, false, false,
			"tox is not installed: add tox to function/requirements.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := t.TempDir()
			env := tt.env
			if strings.Contains(tt.name, "tox") {
				// A PATH that finds nothing, as in a template's image: the
				// step uses builtins only until it would run tox.
				env = append(slices.Clone(env), "PATH="+t.TempDir())
			}
			out, _, ok := runScript(t, []string{script, "test"}, fn, append(env, "HOME="+fn)...)
			if ok != tt.ok || exists(filepath.Join(fn, "ran")) != tt.ran {
				t.Errorf("succeeded %v, tests ran %v; want %v, %v\n%s", ok, exists(filepath.Join(fn, "ran")), tt.ok, tt.ran, out)
			}
			if tt.saysLast != "" && !strings.Contains(lastLines(out, 1), tt.saysLast) {
				t.Errorf("the last line does not say %q:\n%s", tt.saysLast, out)
			}
		})
	}
}
