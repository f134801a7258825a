package access

import (
	"fmt"
	"strconv"
	"strings"
)

// Scope is what an API token may do.
type Scope string

// Scopes of API tokens. Write includes read.
const (
	Read  Scope = "read"
	Write Scope = "write"
)

// Token is one API token of OFC_API_TOKENS.
type Token struct {
	// Name says who holds the token; actions are recorded under it.
	Name   string
	Scope  Scope
	Secret string
}

// ParseTokens reads OFC_API_TOKENS: comma-separated items, each
// "name:scope:token" (scope read or write; the token is everything after
// the second colon) or, as before scopes existed, a bare token, which
// reads and is named "token-N" after its place in the list. Empty items
// are skipped. A name, secret or scope that is missing or unknown is an
// error naming the item by its place, never by its secret.
func ParseTokens(s string) ([]Token, error) {
	var out []Token
	names := map[string]bool{}
	n := 0
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		n++
		t := Token{Name: "token-" + strconv.Itoa(n), Scope: Read, Secret: item}
		if name, rest, ok := strings.Cut(item, ":"); ok {
			scope, secret, ok := strings.Cut(rest, ":")
			if !ok || name == "" || secret == "" {
				return nil, fmt.Errorf("OFC_API_TOKENS item %d: want name:scope:token, or a bare token", n)
			}
			if Scope(scope) != Read && Scope(scope) != Write {
				return nil, fmt.Errorf("OFC_API_TOKENS item %d (%s): scope %q, want read or write", n, name, scope)
			}
			t = Token{Name: name, Scope: Scope(scope), Secret: secret}
		}
		if names[t.Name] {
			return nil, fmt.Errorf("OFC_API_TOKENS item %d: name %q is used twice; actions are recorded by name", n, t.Name)
		}
		names[t.Name] = true
		out = append(out, t)
	}
	return out, nil
}
