package main

import (
	"errors"
	"time"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/internal/boot"
	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/pipeline"
)

// config is everything cmd/webhook reads from the environment; README
// lists each variable with its default.
type config struct {
	boot.Shared
	Addr         string
	GitHubSecret string
	// GitLabToken is the secret token of GitLab webhooks; empty refuses
	// every GitLab delivery.
	GitLabToken string
	// AllowedOwners are the owners whose events are acted on; empty
	// allows all.
	AllowedOwners pipeline.Namespaces
	BuildTags     bool
	ReadyTimeout  time.Duration
	ShutdownGrace time.Duration
	// LinkKey verifies the builders' signed links to builds, read from
	// LinkKeyFile; nil turns signed links off.
	LinkKeyFile string
	LinkKey     []byte
	// APITokens each read every repository, private ones included;
	// those of scope write also rebuild, cancel and roll back.
	APITokens []access.Token
	// FunctionsURL is where the pages say functions answer.
	FunctionsURL string
}

func readConfig(look envconfig.Lookup) (config, error) {
	r := envconfig.New(look)
	c := config{
		Shared:        boot.ReadShared(r),
		Addr:          r.String("OFC_WEBHOOK_ADDR", "127.0.0.1:8080"),
		GitHubSecret:  r.Required("OFC_GITHUB_WEBHOOK_SECRET", "GitHub deliveries are verified with it"),
		GitLabToken:   r.String("OFC_GITLAB_WEBHOOK_TOKEN", ""),
		AllowedOwners: pipeline.ParseNamespaces(r.String("OFC_ALLOWED_OWNERS", "")),
		BuildTags:     r.Bool("OFC_BUILD_TAGS", false),
		ReadyTimeout:  r.Duration("OFC_READY_TIMEOUT", 2*time.Second),
		ShutdownGrace: r.Duration("OFC_SHUTDOWN_GRACE", 10*time.Second),
		LinkKeyFile:   r.String("OFC_LINK_KEY_FILE", ""),
		FunctionsURL:  r.String("OFC_FUNCTIONS_URL", "http://127.0.0.1:58080"),
	}
	key, err := access.ReadKey(c.LinkKeyFile)
	c.LinkKey = key
	tokens, terr := access.ParseTokens(r.String("OFC_API_TOKENS", ""))
	c.APITokens = tokens
	return c, errors.Join(r.Err(), err, terr)
}
