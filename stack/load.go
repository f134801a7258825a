package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ofcbuild/ofc/internal/regular"
)

// ErrNoStackFile is wrapped by Load when the stack file does not exist.
var ErrNoStackFile = errors.New("no stack file")

// LoadDir is Load on the directory dir, read through an os.Root so that
// no symbolic link in the repository leads outside it.
func LoadDir(ctx context.Context, dir, name string, lookup Lookup) (*Stack, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", dir, err)
	}
	defer root.Close()
	return Load(ctx, root.FS(), name, lookup)
}

// Load reads the stack file name (DefaultFile when empty; AltFile in place
// of DefaultFile when that is absent) from fsys, the repository's tree, parses it as
// Parse does, checks that every handler of a function to build is a
// folder of the repository, and merges each function's environment files
// into its Environment: the inline environment first, then each file in
// order, each overriding what came before, as faas-cli merges them.
// The stack's Warnings name the file each is about.
//
// fsys must not follow symbolic links out of the repository; LoadDir
// takes care of that. Problems with the file are returned as an *Error
// whose File is name; a missing file wraps ErrNoStackFile.
func Load(ctx context.Context, fsys fs.FS, name string, lookup Lookup) (*Stack, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, name, err := readStack(fsys, name)
	if err != nil {
		return nil, err
	}
	s, idx, ps, ws := parse(data, lookup, path.Dir(name))
	if s == nil {
		return nil, refusal(ps, ws, name)
	}
	s.File = name

	envFiles := map[string]map[string]string{}
	for _, fnName := range s.Names() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fn := s.Functions[fnName]
		if !fn.Prebuilt {
			checkHandler(fsys, s, idx, fn, &ps)
		}
		env := maps.Clone(fn.Environment)
		for _, f := range fn.EnvironmentFile {
			p := s.Path(f)
			vars, ok := envFiles[p]
			if !ok {
				vars, ok = readEnvFile(fsys, p, f, idx.fieldLine(fnName, "environment_file"), fnName, &ps, &ws)
				if !ok {
					continue
				}
				envFiles[p] = vars
			}
			if env == nil {
				env = map[string]string{}
			}
			// As faas-cli 0.18.12 merges them (commands/deploy.go:
			// compileEnvironment calls util.MergeMap(function.Environment,
			// readFiles(function.EnvironmentFile)), whose overlay, the
			// files, wins; readFiles copies each file over the ones
			// before it; generate.go and local_run.go do the same).
			maps.Copy(env, vars)
		}
		fn.Environment = env
		s.Functions[fnName] = fn
	}
	if len(ps) > 0 {
		return nil, refusal(ps, ws, name)
	}
	for i := range ws {
		if ws[i].File == "" {
			ws[i].File = name
		}
	}
	s.Warnings = ws.list()
	return s, nil
}

// readStack reads the stack file, falling back from DefaultFile to
// AltFile when no name was asked for.
func readStack(fsys fs.FS, name string) ([]byte, string, error) {
	if name == "" || name == DefaultFile || name == "./"+DefaultFile {
		data, err := regular.ReadFile(fsys, DefaultFile, MaxSize)
		if errors.Is(err, fs.ErrNotExist) {
			data, err = regular.ReadFile(fsys, AltFile, MaxSize)
			if err == nil {
				return data, AltFile, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, AltFile, readError(AltFile, err)
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil, DefaultFile, fmt.Errorf("%w: neither %s nor %s is at the root of the repository", ErrNoStackFile, DefaultFile, AltFile)
			}
		}
		if err != nil {
			return nil, DefaultFile, readError(DefaultFile, err)
		}
		return data, DefaultFile, nil
	}
	clean := path.Clean(strings.TrimPrefix(name, "/"))
	if !fs.ValidPath(clean) || clean == "." {
		return nil, name, fmt.Errorf("stack file %q is not a file of the repository", name)
	}
	data, err := regular.ReadFile(fsys, clean, MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, clean, fmt.Errorf("%w: %s is not in the repository", ErrNoStackFile, clean)
	}
	if err != nil {
		return nil, clean, readError(clean, err)
	}
	return data, clean, nil
}

// readError says why the stack file name could not be read: a symbolic
// link out of the repository is the user's to fix, like a missing file.
func readError(name string, err error) error {
	if escapes(err) {
		return fmt.Errorf("read %s: it is a symbolic link that leads outside the repository", name)
	}
	return fmt.Errorf("read %s: %w", name, err)
}

func checkHandler(fsys fs.FS, s *Stack, idx *index, fn Function, ps *problems) {
	line := idx.fieldLine(fn.Name, "handler")
	st, err := fs.Stat(fsys, s.Path(fn.Handler))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		ps.add(line, fn.Name, "handler %q does not exist", fn.Handler)
	case escapes(err):
		ps.add(line, fn.Name, "handler %q leads outside the repository through a symbolic link", fn.Handler)
	case err != nil:
		ps.add(line, fn.Name, "handler %q: %v", fn.Handler, cleanFSError(err))
	case !st.IsDir():
		ps.add(line, fn.Name, "handler %q is not a folder", fn.Handler)
	}
}

// envFile is the format of an environment_file.
type envFile struct {
	Environment map[string]string `yaml:"environment"`
}

// readEnvFile reads the environment file p, written so in the stack file
// at line of function fn. Its unknown fields are warnings, as faas-cli
// ignores them.
func readEnvFile(fsys fs.FS, p, written string, line int, fn string, ps *problems, ws *warnings) (map[string]string, bool) {
	data, err := regular.ReadFile(fsys, p, MaxSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		ps.add(line, fn, "environment_file %q does not exist", written)
		return nil, false
	case escapes(err):
		ps.add(line, fn, "environment_file %q leads outside the repository through a symbolic link", written)
		return nil, false
	case err != nil:
		ps.add(line, fn, "environment_file %q: %v", written, cleanFSError(err))
		return nil, false
	case len(data) > MaxSize:
		ps.add(line, fn, "environment_file %q is larger than %d bytes", written, MaxSize)
		return nil, false
	}
	var doc yaml.Node
	if err := unmarshalSafe(data, &doc); err == nil {
		if p, ok := checkAliases(&doc); !ok {
			ps.add(line, fn, "environment_file %q: %s", written, p.format(""))
			return nil, false
		}
	}
	var ef envFile
	if err := strictDecode(data, &ef); err != nil && !errors.Is(err, io.EOF) {
		eps, ews := yamlProblems(err, nil)
		for _, w := range ews {
			w.File = p
			ws.add(w)
		}
		for _, ep := range eps {
			ps.add(line, fn, "environment_file %q: %s", written, ep.format(""))
		}
		if len(eps) > 0 {
			return nil, false
		}
	}
	ok := true
	for _, k := range slices.Sorted(maps.Keys(ef.Environment)) {
		if msg := environmentRule.problem("environment", k, ef.Environment[k]); msg != "" {
			ps.add(line, fn, "environment_file %q: %s", written, msg)
			ok = false
		}
	}
	return ef.Environment, ok
}

// cleanFSError drops the operation and path from a *fs.PathError: the
// message already names the file as the user wrote it.
func cleanFSError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// escapes reports whether err is os.Root refusing a path that leaves the
// root. The standard library does not export that error, so its message is
// matched.
func escapes(err error) bool {
	return err != nil && strings.HasSuffix(err.Error(), "path escapes from parent")
}
