package template

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"
)

// Kinds of watchdog a Dockerfile copies from an OpenFaaS image.
const (
	OfWatchdog      = "of-watchdog"
	ClassicWatchdog = "classic-watchdog"
)

// watchdogRepo matches the repositories OpenFaaS publishes its watchdogs
// in, on any registry (ghcr.io, Docker Hub, or a mirror of them).
var watchdogRepo = regexp.MustCompile(`(^|/)openfaas/(of-watchdog|classic-watchdog)$`)

// Watchdogs finds the stages of a Dockerfile that start FROM one of
// OpenFaaS's watchdog images, as OpenFaaS's templates do to copy
// /fwatchdog. It returns each such image, named as BuildKit names a
// context that replaces it, with the kind of watchdog it holds. args are
// the build arguments, which may set the image's tag through a global
// ARG. The builder stands in its own watchdog for these images, so that
// no build pulls one from the internet.
func Watchdogs(dockerfile []byte, args map[string]string) map[string]string {
	found := map[string]string{}
	for _, st := range Stages(dockerfile, args) {
		ref := contextName(st.From)
		repo := ref
		if i := strings.IndexAny(repo, "@"); i >= 0 {
			repo = repo[:i]
		}
		if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
			repo = repo[:i]
		}
		if m := watchdogRepo.FindStringSubmatch(repo); m != nil {
			found[ref] = m[2]
		}
	}
	return found
}

// Stage is one FROM of a Dockerfile.
type Stage struct {
	// Name is the stage's name (FROM ... AS name), "" when it has none.
	Name string
	// From is what it starts from, with the global ARGs expanded: an
	// image, "scratch", or an earlier stage's name.
	From string
	// Image is the image under it, following stages FROM earlier stages
	// ("FROM build AS ship") down to theirs.
	Image string
}

// Stages are the stages of a Dockerfile in order, with the ARGs before the
// first FROM expanded in their FROM lines, args (the build arguments)
// overriding their defaults, as the Dockerfile frontend reads them.
func Stages(dockerfile []byte, args map[string]string) []Stage {
	vars := map[string]string{}
	images := map[string]string{} // stage name, lowercase -> its image
	var stages []Stage
	for _, line := range instructions(dockerfile) {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "ARG":
			// Only ARGs before the first FROM may be used in FROM.
			if len(stages) > 0 {
				continue
			}
			for _, decl := range fields[1:] {
				name, def, _ := strings.Cut(decl, "=")
				if v, ok := args[name]; ok {
					def = v
				}
				vars[name] = strings.Trim(def, `"'`)
			}
		case "FROM":
			var words []string
			for _, f := range fields[1:] {
				if !strings.HasPrefix(f, "--") {
					words = append(words, f)
				}
			}
			if len(words) == 0 {
				continue
			}
			st := Stage{From: expand(words[0], vars)}
			st.Image = st.From
			if img, ok := images[strings.ToLower(st.From)]; ok {
				st.Image = img
			}
			if len(words) == 3 && strings.EqualFold(words[1], "AS") {
				st.Name = words[2]
				images[strings.ToLower(st.Name)] = st.Image
			}
			stages = append(stages, st)
		}
	}
	return stages
}

// instructions splits a Dockerfile into instructions, joining continued
// lines and dropping comments.
func instructions(dockerfile []byte) []string {
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(dockerfile))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	return out
}

var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// expand substitutes $NAME, ${NAME}, ${NAME:-default} and ${NAME:+alt}
// as the Dockerfile frontend does.
func expand(s string, vars map[string]string) string {
	return varRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := varRef.FindStringSubmatch(m)
		name := sub[1] + sub[4]
		v := vars[name]
		switch sub[2] {
		case "-":
			if v == "" {
				return sub[3]
			}
		case "+":
			if v != "" {
				return sub[3]
			}
			return ""
		}
		return v
	})
}

// contextName is an image reference in the short form the Dockerfile
// frontend looks named contexts up by: Docker Hub's host and a ":latest"
// tag left out.
func contextName(ref string) string {
	for _, p := range []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/"} {
		ref = strings.TrimPrefix(ref, p)
	}
	ref = strings.TrimPrefix(ref, "library/")
	return strings.TrimSuffix(ref, ":latest")
}
