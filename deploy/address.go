package deploy

import "strings"

// address splits a function's address, "<name>" or "<name>.<namespace>"
// as OpenFaaS writes it in /function/ URLs, into the name and namespace
// the gateway's API takes. A name without a namespace is in the client's
// (the gateway's default when that is empty). Function names are DNS
// labels, which hold no dot.
func (c *Client) address(addr string) (name, namespace string) {
	if name, ns, ok := strings.Cut(addr, "."); ok {
		return name, ns
	}
	return addr, c.namespace
}
