// Package suggest tells how far apart two names are, for the "did you
// mean" of an error: a misspelt field of a stack file, an unknown template.
package suggest

// Distance is the optimal string alignment distance of a and b, in
// bytes (the names compared are ASCII): insertions, deletions, substitutions and
// swaps of neighbours, the typos people make. b is at most 64 bytes long
// (a field's or a template's name; a longer one is as far as can be), so
// that the rows live on the stack: a file of thousands of unknown fields
// costs no allocation.
func Distance(a, b string) int {
	const maxB = 64
	if len(b) > maxB {
		return len(a) + len(b)
	}
	var rows [3][maxB + 1]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
