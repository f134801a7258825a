package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxLabel is the length limit of a DNS-1123 label, which function names
// on the gateway must be.
const maxLabel = 63

// DeployName is the name a repository owner's function runs under on the
// gateway: "<owner>-<function>", lowercase, as a DNS-1123 label. A name too
// long for a label is cut and given a hash of the whole, so that two long
// names stay apart.
func DeployName(owner, fn string) string {
	name := label(owner + "-" + fn)
	if name == "" {
		name = "function"
	}
	if len(name) <= maxLabel {
		return name
	}
	sum := sha256.Sum256([]byte(owner + "/" + fn))
	suffix := hex.EncodeToString(sum[:4])
	return strings.TrimRight(name[:maxLabel-len(suffix)-1], "-") + "-" + suffix
}

// label lowercases s and turns every run of characters a DNS label cannot
// hold into one "-", trimming dashes at the ends.
func label(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(c)
			continue
		}
		dash = true
	}
	return b.String()
}

// Image is the immutable tag a function's image is pushed to:
// "<registry>/<owner>/<repo>/<function>:<commit>", lowercase, with every
// character a registry refuses in a path replaced.
func Image(registry, owner, repo, fn, commit string) string {
	host := strings.ToLower(strings.TrimRight(registry, "/"))
	return host + "/" + component(owner) + "/" + component(repo) + "/" + component(fn) + ":" + tag(commit)
}

// component makes s a path component of an image reference: lowercase
// alphanumerics joined by ".", "_", "__" or dashes.
func component(s string) string {
	var b, sep strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if b.Len() > 0 && sep.Len() > 0 {
				switch run := sep.String(); {
				case run == "." || run == "_" || run == "__" || strings.Trim(run, "-") == "":
					b.WriteString(run)
				default:
					b.WriteByte('-')
				}
			}
			sep.Reset()
			b.WriteRune(c)
			continue
		}
		if c == '.' || c == '_' || c == '-' {
			sep.WriteRune(c)
		} else {
			sep.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "unnamed"
	}
	return b.String()
}

// tag makes commit a valid tag: [a-z0-9_.-], not starting with "." or
// "-", at most 128 characters.
func tag(commit string) string {
	b := []byte(strings.ToLower(commit))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '-'
		}
	}
	t := strings.TrimLeft(string(b), ".-")
	if len(t) > 128 {
		t = t[:128]
	}
	if t == "" {
		return "latest"
	}
	return t
}
