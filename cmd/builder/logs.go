package main

import (
	"context"
	"encoding/base64"

	"github.com/ofcbuild/ofc/logs"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/secrets"
)

// redactedTokens masks in every log each token it hands out: a GitHub
// App's installation tokens are known only once made.
type redactedTokens struct {
	next     tokenSource
	redactor *logs.Redactor
}

func (t redactedTokens) Token(ctx context.Context, ev pipeline.Event) (string, error) {
	tok, err := t.next.Token(ctx, ev)
	if tok != "" {
		t.redactor.Add(tok)
	}
	return tok, err
}

// redactedSecrets masks in every log the build secrets it hands to a
// build, before the build can print them.
type redactedSecrets struct {
	next     pipeline.SecretSource
	redactor *logs.Redactor
}

func (s redactedSecrets) BuildSecrets(ctx context.Context, repo pipeline.Repo, ids []string) (map[string][]byte, error) {
	values, err := s.next.BuildSecrets(ctx, repo, ids)
	for _, v := range values {
		s.redactor.Add(string(v))
	}
	return values, err
}

// buildSecrets is where the builder finds build secrets, nil for none.
func buildSecrets(cfg config, red *logs.Redactor) pipeline.SecretSource {
	if cfg.SecretsDir == "" {
		return nil
	}
	return redactedSecrets{secrets.Dir{Root: cfg.SecretsDir}, red}
}

// redactor masks the credentials the builder is configured with.
func redactor(cfg config) *logs.Redactor {
	r := &logs.Redactor{}
	r.Add(cfg.GitHubToken, cfg.GitLabToken, cfg.GatewayPassword, cfg.RegistryPassword)
	if cfg.RegistryPassword != "" {
		// As a docker config file and an Authorization header carry it.
		r.Add(base64.StdEncoding.EncodeToString([]byte(cfg.RegistryUser + ":" + cfg.RegistryPassword)))
	}
	return r
}
