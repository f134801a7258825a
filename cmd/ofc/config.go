package main

import (
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

// defaultURL is where cmd/webhook listens by default.
const defaultURL = "http://127.0.0.1:8080"

// config is what every command shares: where the API is, how to
// authenticate, and whether to colour the output. README lists the
// variables with their defaults.
type config struct {
	URL   string
	Token string
	// Color is auto, always or never.
	Color string

	noColor bool
	dumb    bool
}

// readConfig reads the defaults from the environment; flags given on the
// command line override them.
func readConfig(look envconfig.Lookup) config {
	r := envconfig.New(look)
	return config{
		URL:   r.String("OFC_URL", defaultURL),
		Token: r.String("OFC_TOKEN", ""),
		Color: "auto",
		// https://no-color.org: set and not empty disables colour.
		noColor: r.String("NO_COLOR", "") != "",
		dumb:    r.String("TERM", "") == "dumb",
	}
}

// addFlags registers the shared flags on fs, so that they may be given
// before the command ("ofc --url U builds") or after it ("ofc builds
// --url U").
func (c *config) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.URL, "url", c.URL, "the service's address (OFC_URL)")
	fs.StringVar(&c.Token, "token", c.Token, "API token, sent as a bearer token (OFC_TOKEN)")
	fs.StringVar(&c.Color, "color", c.Color, "colour the output: auto, always or never")
}

// baseURL checks the service's address: an http or https URL, whose path
// may be a prefix the API is served under.
func (c config) baseURL() (*url.URL, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageErrorf("--url %q: want an address such as %s", c.URL, defaultURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// useColor decides whether to colour the output: always and never are
// obeyed; auto colours a terminal unless NO_COLOR is set or TERM is dumb.
func (c config) useColor(tty bool) (bool, error) {
	switch c.Color {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		return tty && !c.noColor && !c.dumb, nil
	}
	return false, usageErrorf("--color %q: want auto, always or never", c.Color)
}

// usageError is a mistake on the command line (exit code 2). The flag
// package has said its own already, with the command's usage.
type usageError struct {
	msg     string
	flagErr bool
}

func (e usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return usageError{msg: fmt.Sprintf(format, args...)}
}

// parseArgs parses flags wherever they stand among args and returns the
// other arguments: "ofc logs 42 --follow" is typed as often as
// "ofc logs --follow 42", and the flag package alone stops at the first
// argument that is not a flag. After "--" everything is an argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageOrHelp(err)
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}
