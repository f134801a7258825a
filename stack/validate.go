package stack

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// nameRe is a DNS-1123 label, which is what the gateway (and
	// Kubernetes under it) accepts as a function name.
	nameRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// langRe keeps a template name a single path element.
	langRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// refRe is a git tag, branch or commit as faas-cli pins a template
	// to one ("golang-middleware@0.9.0", "...@sha-2e6e262").
	refRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$`)
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
// Name and Prebuilt and normalises its Lang.
func validate(s *Stack, idx *index, ps *problems, ws *warnings) {
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
			// faas-cli reads such a file; the gateway refuses the
			// function. Renaming it here would deploy it under a name
			// its user never wrote.
			ps.add(line, name, "%s", invalidNameMsg(name))
		}

		written := fn.Lang
		fn.Prebuilt = written == "" || fn.SkipBuild
		fn.Lang, fn.LangRef, _ = strings.Cut(written, "@")
		// faas-cli accepts "Dockerfile" for the dockerfile template.
		if fn.Lang == "Dockerfile" {
			fn.Lang = "dockerfile"
		}
		// A handler with neither lang nor image is a function meant to be
		// built whose lang is missing: its handler is checked too.
		if fn.SkipBuild || written == "" && (fn.Handler == "" || fn.Image != "") {
			validatePrebuilt(fn, idx, ps, ws)
		} else {
			validateBuilt(s, fn, written, idx, ps)
		}

		for _, id := range slices.Sorted(maps.Keys(fn.BuildSecrets)) {
			if !secretRe.MatchString(id) {
				ps.add(idx.fieldLine(name, "build_secrets"), name, "build secret %q: use at most 128 letters, digits, '.', '_' and '-', starting with a letter or digit", id)
			}
		}

		if fn.Namespace != "" && !ValidName(fn.Namespace) {
			ps.add(idx.fieldLine(name, "namespace"), name, "namespace %q: a namespace is a DNS label, at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit", fn.Namespace)
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

// validateBuilt checks the lang and handler of a function that is built;
// written is its lang as the stack file has it.
func validateBuilt(s *Stack, fn Function, written string, idx *index, ps *problems) {
	name, langLine := fn.Name, idx.fieldLine(fn.Name, "lang")
	switch {
	case written == "":
		ps.add(idx.line(name), name, `"lang" is missing: name the template to build with, e.g. "lang: go" or "lang: dockerfile"`)
	case !langRe.MatchString(fn.Lang):
		ps.add(langLine, name, "lang %q is not a template name", written)
	case fn.LangRef == "" && strings.HasSuffix(written, "@"):
		ps.add(langLine, name, `lang %q: name the template's ref after "@", e.g. "%s@0.9.0", or leave the "@" out`, written, fn.Lang)
	case fn.LangRef != "" && (!refRe.MatchString(fn.LangRef) || strings.Contains(fn.LangRef, "..")):
		ps.add(langLine, name, "lang %q: %q is not a tag, branch or commit of the template's repository", written, fn.LangRef)
	}

	switch {
	case fn.Handler == "":
		ps.add(idx.line(name), name, `"handler" is missing: give the folder of the function's code, e.g. "handler: ./%s"`, name)
	case !inside(s.Dir, fn.Handler):
		ps.add(idx.fieldLine(name, "handler"), name, "handler %q is outside the repository: use a path relative to the stack file", fn.Handler)
	}
}

// validatePrebuilt checks a function that is deployed from its image,
// which it must name. Its lang and handler are not read, as faas-cli
// reads neither of a function it does not build.
func validatePrebuilt(fn Function, idx *index, ps *problems, ws *warnings) {
	name, line := fn.Name, idx.line(fn.Name)
	switch {
	case fn.Image == "" && fn.SkipBuild:
		ps.add(idx.fieldLine(name, "skip_build"), name, `skip_build is true, so the function is deployed from its image, and "image" is missing: name the image to deploy, e.g. "image: ghcr.io/me/%s:1.0"`, name)
	case fn.Image == "":
		ps.add(line, name, `neither "lang" nor "image" is set: name the template to build the function with ("lang: go" and "handler: ./%s"), or the image to deploy as it is ("image: ghcr.io/me/%s:1.0")`, name, name)
	case strings.IndexFunc(fn.Image, func(r rune) bool { return r <= ' ' || unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		ps.add(idx.fieldLine(name, "image"), name, "image %q: an image reference is one word of printable text", fn.Image)
	case fn.Lang == "" && fn.Handler != "" && !fn.SkipBuild:
		// faas-cli says "Please provide a valid language" and deploys
		// the image; a lang forgotten would go unseen but for this.
		ws.add(Warning{Line: idx.fieldLine(name, "handler"), Function: name, Field: "handler",
			Msg: `"handler" is ignored: with no "lang" the function is not built but deployed from its image ` + strconv.Quote(fn.Image)})
	}
}

// invalidNameMsg says why name cannot be deployed and, where one can be
// made, what it could be called.
func invalidNameMsg(name string) string {
	msg := "invalid function name: no OpenFaaS gateway can deploy it, as a function's name must be a DNS label: " +
		"at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
	if s := suggestName(name); s != "" {
		msg += fmt.Sprintf(", such as %q", s)
	}
	return msg
}

// suggestName is name made a DNS label: lower case, each run of other
// characters one '-', cut to 63 characters; "" when nothing is left.
func suggestName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= utf8.RuneSelf && unicode.IsLetter(r) {
			// Dropping "ü" from "fünf" makes a name nobody meant.
			return ""
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	s := b.String()
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	if !ValidName(s) {
		return ""
	}
	return s
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
