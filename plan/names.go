package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// maxLabel is the length limit of a DNS-1123 label, which function names
// on the gateway must be.
const maxLabel = 63

// hashLen is how many hex digits of the identity end every name: 40 bits,
// so that among thousands of functions on one gateway two names meet by
// chance with odds below one in a million.
const hashLen = 10

// DeployName is the name function fn of owner/repo runs under on the
// gateway: its production deployment when branch is "" (the default
// branch), the preview of branch otherwise.
//
// The name is a DNS-1123 label of at most 63 characters:
// "<owner>-<repo>-<function>" for production and
// "<owner>-<repo>-<function>-<branch>" for a preview, lowercased, every run
// of other characters turned into one "-", each part shortened (longest
// first) when the whole would not fit, then "-" and 10 hex digits of a
// hash of the exact inputs. The readable part is for people; the hash is
// what keeps names apart, so that owner "a-b" with function "c" and owner
// "a" with function "b-c", or two long names cut to the same prefix, never
// share a name. Owner and repository are compared without case, as
// GitHub and GitLab compare them; branches and functions with it.
func DeployName(owner, repo, branch, fn string) string {
	parts := []string{label(owner), label(repo), label(fn)}
	if branch != "" {
		parts = append(parts, label(branch))
	}
	readable := shorten(parts, maxLabel-hashLen-1)
	if readable == "" {
		return "fn-" + identity(owner, repo, branch, fn)
	}
	return readable + "-" + identity(owner, repo, branch, fn)
}

// identity hashes the inputs with their lengths, so that no two different
// tuples hash the same text.
func identity(owner, repo, branch, fn string) string {
	kind := "production"
	if branch != "" {
		kind = "preview"
	}
	h := sha256.New()
	for _, s := range []string{kind, strings.ToLower(owner), strings.ToLower(repo), branch, fn} {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))[:hashLen]
}

// shorten joins the non-empty parts with "-" within max characters,
// cutting the longest part one character at a time, so that every part
// keeps a recognisable beginning.
func shorten(parts []string, max int) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	total := func() int {
		n := len(kept) - 1
		for _, p := range kept {
			n += len(p)
		}
		return n
	}
	for len(kept) > 0 && total() > max {
		longest := 0
		for i, p := range kept {
			if len(p) > len(kept[longest]) {
				longest = i
			}
		}
		kept[longest] = strings.TrimRight(kept[longest][:len(kept[longest])-1], "-")
		if kept[longest] == "" {
			kept = append(kept[:longest], kept[longest+1:]...)
		}
	}
	return strings.Join(kept, "-")
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
