package localfaas

import (
	"fmt"
	"regexp"
	"strings"
)

// DefaultNamespace is the only namespace localfaas serves, named as
// OpenFaaS names its default one.
const DefaultNamespace = "openfaas-fn"

var (
	dnsLabel     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

// checkFunctionName accepts what Kubernetes accepts as a service name (a
// DNS-1123 label), so that a function that deploys here deploys anywhere.
func checkFunctionName(name string) error {
	if len(name) > 63 || !dnsLabel.MatchString(name) {
		return fmt.Errorf("invalid function name %q: must be a DNS-1123 label "+
			"(at most 63 lower case letters, digits and '-', starting and ending with a letter or digit)", name)
	}
	return nil
}

// checkSecretName accepts a DNS-1123 subdomain, as Kubernetes does for
// secrets; it also keeps names safe as file names for a runtime to mount.
func checkSecretName(name string) error {
	if len(name) > 253 || !dnsSubdomain.MatchString(name) {
		return fmt.Errorf("invalid secret name %q: must be a DNS-1123 subdomain "+
			"(lower case letters, digits, '-' and '.', starting and ending with a letter or digit)", name)
	}
	return nil
}

// checkNamespace accepts the default namespace, named or not, and
// returns its name.
func checkNamespace(ns string) (string, error) {
	switch strings.TrimSpace(ns) {
	case "", DefaultNamespace:
		return DefaultNamespace, nil
	}
	return "", fmt.Errorf("namespace %q is not served here; use %q", ns, DefaultNamespace)
}
