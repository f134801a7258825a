package main

import (
	"fmt"
	"net/url"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

// functionSettings say how deployed functions find each other.
type functionSettings struct {
	// FunctionsGatewayURL is the gateway's address as functions reach it,
	// handed to each as OFC_GATEWAY_URL: on faasd, Kubernetes and the
	// local runtime alike, http://gateway.openfaas:8080.
	FunctionsGatewayURL string
	// PlainNames deploys production functions under their stack-file
	// names, as faas-cli does; for an installation that serves one team.
	PlainNames bool
}

func (c *config) readFunctionSettings(r *envconfig.Reader) error {
	c.FunctionsGatewayURL = r.String("OFC_FUNCTIONS_GATEWAY_URL", "http://gateway.openfaas:8080")
	c.PlainNames = r.Bool("OFC_PLAIN_NAMES", false)
	if c.FunctionsGatewayURL == "" {
		return nil
	}
	u, err := url.Parse(c.FunctionsGatewayURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("OFC_FUNCTIONS_GATEWAY_URL=%q: want http(s)://host[:port], or empty for none", c.FunctionsGatewayURL)
	}
	return nil
}
