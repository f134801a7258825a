package stack

import (
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
)

var (
	// nameRe is a DNS-1123 label, which is what the gateway (and
	// Kubernetes under it) accepts as a function name.
	nameRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// langRe keeps a template name a single path element.
	langRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// secretRe keeps a build secret's id a single file name, which is
	// how the service looks its value up.
	secretRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
)

// ValidName reports whether name is a valid function name: a DNS-1123
// label of at most 63 characters.
func ValidName(name string) bool {
	return len(name) <= 63 && nameRe.MatchString(name)
}

// validate checks what the YAML decoder cannot, fills each function's
// Name and normalises its Lang.
func validate(s *Stack, idx *index, ps *problems) {
	if len(s.Functions) == 0 {
		ps.add(0, "", `no functions: the file needs a "functions" map with at least one function`)
		return
	}
	for _, name := range s.Names() {
		fn := s.Functions[name]
		fn.Name = name
		line := idx.line(name)
		switch {
		case name == "":
			// Problems name their function; this one has no name to show.
			ps.add(line, "", "a function has an empty name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit")
		case !ValidName(name):
			ps.add(line, name, "invalid function name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit")
		}

		// faas-cli accepts "Dockerfile" for the dockerfile template.
		if fn.Lang == "Dockerfile" {
			fn.Lang = "dockerfile"
		}
		switch {
		case fn.Lang == "":
			ps.add(line, name, `"lang" is missing: name the template to build with, e.g. "lang: go" or "lang: dockerfile"`)
		case !langRe.MatchString(fn.Lang):
			ps.add(idx.fieldLine(name, "lang"), name, "lang %q is not a template name", fn.Lang)
		}

		switch {
		case fn.Handler == "":
			ps.add(line, name, `"handler" is missing: give the folder of the function's code, e.g. "handler: ./%s"`, name)
		case !inside(s.Dir, fn.Handler):
			ps.add(idx.fieldLine(name, "handler"), name, "handler %q is outside the repository: use a path relative to the stack file", fn.Handler)
		}

		for _, id := range slices.Sorted(maps.Keys(fn.BuildSecrets)) {
			if !secretRe.MatchString(id) {
				ps.add(idx.fieldLine(name, "build_secrets"), name, "build secret %q: use at most 128 letters, digits, '.', '_' and '-', starting with a letter or digit", id)
			}
		}

		validateValues(fn, idx, ps)

		for _, f := range fn.EnvironmentFile {
			if !inside(s.Dir, f) {
				ps.add(idx.fieldLine(name, "environment_file"), name, "environment_file %q is outside the repository: use a path relative to the stack file", f)
			}
		}
		s.Functions[name] = fn
	}
}

// inside reports whether rel, written in a stack file in directory dir,
// names a path within the repository.
func inside(dir, rel string) bool {
	if rel == "" || path.IsAbs(rel) || strings.HasPrefix(rel, `\`) || strings.ContainsRune(rel, 0) {
		return false
	}
	p := path.Join(dir, rel)
	return p != ".." && !strings.HasPrefix(p, "../") && !path.IsAbs(p)
}
