package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// lsRemote finds what ref names in repoURL without cloning it: a tag
// (peeled to its commit) before a branch of the same name, as git
// checkout would pick; "" is the default branch. A whole commit id is
// taken as it is, after the repository answered (which proves these
// credentials reach it). A short commit id, as faas-cli pins one
// ("sha-af599e"), comes back with no commit: only a fetch can expand it.
func (t *Templates) lsRemote(ctx context.Context, repoURL, ref string, env []string) (resolution, error) {
	ctx, cancel := context.WithTimeout(ctx, t.git.cfg.Timeout)
	defer cancel()
	var patterns []string
	switch {
	case ref == "" || fullCommitRE.MatchString(ref):
		patterns = []string{"HEAD"}
	default:
		patterns = []string{"refs/tags/" + ref, "refs/tags/" + ref + "^{}", "refs/heads/" + ref}
	}
	out, err := t.git.output(ctx, "", env, append([]string{"ls-remote", "--", repoURL}, patterns...)...)
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return resolution{}, transientf("git ls-remote took longer than %s: the git server is slow or does not answer", t.git.cfg.Timeout)
		}
		return resolution{}, fetchError(err)
	}
	refs := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if sha, name, ok := strings.Cut(strings.TrimSpace(line), "\t"); ok {
			refs[name] = sha
		}
	}
	switch {
	case fullCommitRE.MatchString(ref):
		return resolution{commit: ref}, nil
	case ref == "":
		if refs["HEAD"] == "" {
			return resolution{}, errors.New("the repository is empty: it has no default branch")
		}
		return resolution{commit: refs["HEAD"], name: "HEAD"}, nil
	}
	for _, name := range []string{"refs/tags/" + ref + "^{}", "refs/tags/" + ref, "refs/heads/" + ref} {
		if sha := refs[name]; sha != "" {
			return resolution{commit: sha, name: strings.TrimSuffix(name, "^{}")}, nil
		}
	}
	if shortCommitRE.MatchString(ref) {
		return resolution{}, nil
	}
	return resolution{}, fmt.Errorf("the repository has no branch or tag %q", ref)
}

// checkout puts the tree of r (or of the short commit id ref, when r has
// no commit) in the cache, unless it is there already, and returns its
// commit. The tree is fetched into a temporary folder beside its place
// and renamed into place whole, within the clone's time and size limits.
func (t *Templates) checkout(ctx context.Context, repoURL, ref string, r resolution, env []string) (string, error) {
	if r.commit != "" {
		if _, err := os.Stat(t.dir(repoURL, r.commit)); err == nil {
			return r.commit, nil
		}
	}
	parent := t.repoDir(repoURL)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", transientf("template cache: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".fetch-")
	if err != nil {
		return "", transientf("template cache: %w", err)
	}
	defer os.RemoveAll(tmp)

	steps := [][]string{{"init", "--quiet", "."}, {"remote", "add", "origin", repoURL}}
	var rev string
	switch {
	case r.name != "":
		steps = append(steps, []string{"fetch", "--quiet", "--depth=1", "--no-tags", "origin", "+" + r.name + ":refs/ofc/template"})
		rev = "refs/ofc/template"
	case r.commit != "":
		steps = append(steps, []string{"fetch", "--quiet", "--depth=1", "--no-tags", "origin", r.commit})
		rev = "FETCH_HEAD"
	default:
		// Only the whole history can say which commit a short id is.
		steps = append(steps, []string{"fetch", "--quiet", "--no-tags", "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"})
	}
	var commit string
	err = t.git.limited(ctx, tmp, func(ctx context.Context) error {
		if err := t.git.runSteps(ctx, tmp, env, steps); err != nil {
			return err
		}
		if rev == "" {
			short := shortCommitRE.FindStringSubmatch(ref)[2]
			out, err := t.git.output(ctx, tmp, env, "rev-parse", "--verify", "--quiet", strings.ToLower(short)+"^{commit}")
			if err != nil {
				return fmt.Errorf("the repository has no branch, tag or commit %q", ref)
			}
			rev = strings.TrimSpace(out)
		}
		out, err := t.git.output(ctx, tmp, env, "rev-parse", "--verify", rev+"^{commit}")
		if err != nil {
			return err
		}
		commit = strings.TrimSpace(out)
		return t.git.runSteps(ctx, tmp, env, [][]string{{"-c", "advice.detachedHead=false", "checkout", "--quiet", commit}})
	})
	if err != nil {
		return "", err
	}
	// The history is of no use to a template, and the cache keeps many.
	if err := os.RemoveAll(filepath.Join(tmp, ".git")); err != nil {
		return "", transientf("template cache: %w", err)
	}
	final := t.dir(repoURL, commit)
	if err := os.Rename(tmp, final); err != nil {
		// Another builder sharing the cache put the same tree there first.
		if _, statErr := os.Stat(final); statErr != nil {
			return "", transientf("template cache: %w", err)
		}
	}
	return commit, nil
}

// output runs git and returns what it wrote to standard output; errors
// are as run's.
func (g *Git) output(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, g.cfg.Git, args...)
	cmd.Dir, cmd.Env = dir, env
	killGroup(cmd)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil {
		return stdout.String(), nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return "", &gitError{args: args, code: ee.ExitCode(), stderr: stderr.String()}
	}
	return "", transientf("git %s: %w", args[0], err)
}

// transientf is a pipeline.Transient error made as fmt.Errorf makes one.
func transientf(format string, args ...any) error {
	return pipeline.Transient(fmt.Errorf(format, args...))
}
