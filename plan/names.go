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
