package hook

import (
	"errors"
	"net/http"

	"github.com/ofcbuild/ofc/pipeline"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
)

// GitHub returns the handler for POST /webhooks/github. secret is the
// webhook secret; deliveries not signed with it are answered 401.
func GitHub(c Config, secret []byte) http.Handler {
	return c.handler(forge{
		provider: pipeline.GitHub,
		verify: func(r *http.Request, body []byte) (int, error) {
			err := scmgithub.Verify(secret, r.Header.Get(scmgithub.SignatureHeader), body)
			if errors.Is(err, scmgithub.ErrNoSecret) {
				return http.StatusInternalServerError, err
			}
			return http.StatusUnauthorized, err
		},
		parse: func(r *http.Request, body []byte) (pipeline.Event, *ignoredDelivery, error) {
			payload, err := scmgithub.Payload(r.Header.Get("Content-Type"), body)
			if err != nil {
				return pipeline.Event{}, nil, err
			}
			ev, err := scmgithub.Parse(r.Header.Get("X-GitHub-Event"), r.Header.Get("X-GitHub-Delivery"), payload)
			if ig, ok := scmgithub.IsIgnored(err); ok {
				code := http.StatusAccepted
				if ig.Event == scmgithub.EventPing {
					code = http.StatusOK
				}
				return ev, &ignoredDelivery{code: code, reason: ig.Reason}, nil
			}
			return ev, nil, err
		},
		logRefusal: func(r *http.Request, err error) {
			c.Logger.Warn("webhook signature refused", "provider", "github", "err", err,
				"delivery", r.Header.Get("X-GitHub-Delivery"), "remote", r.RemoteAddr)
		},
	})
}
