package main

import (
	"context"

	"github.com/ofcbuild/ofc/logs"
	"github.com/ofcbuild/ofc/pipeline"
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

// redactor masks the credentials the builder is configured with.
func redactor(cfg config) *logs.Redactor {
	r := &logs.Redactor{}
	r.Add(cfg.GitHubToken, cfg.GitLabToken, cfg.GatewayPassword)
	return r
}
