package hook

import (
	"errors"
	"net/http"

	"github.com/ofcbuild/ofc/pipeline"
	scmgitlab "github.com/ofcbuild/ofc/scm/gitlab"
)

// GitLab returns the handler for POST /webhooks/gitlab, for project and
// group webhooks. token is the webhook's secret token: deliveries without
// it are answered 401, and with no token configured every delivery is
// refused (503), never accepted.
func GitLab(c Config, token string) http.Handler {
	return c.handler(forge{
		provider: pipeline.GitLab,
		verify: func(r *http.Request, _ []byte) (int, error) {
			err := scmgitlab.Verify(token, r.Header.Get(scmgitlab.TokenHeader))
			if errors.Is(err, scmgitlab.ErrNoToken) {
				return http.StatusServiceUnavailable, err
			}
			return http.StatusUnauthorized, err
		},
		parse: func(r *http.Request, body []byte) (pipeline.Event, *ignoredDelivery, error) {
			ev, err := scmgitlab.Parse(r.Header.Get(scmgitlab.EventHeader), r.Header.Get(scmgitlab.DeliveryHeader), body)
			if ig, ok := scmgitlab.IsIgnored(err); ok {
				return ev, &ignoredDelivery{code: http.StatusAccepted, reason: ig.Reason}, nil
			}
			return ev, nil, err
		},
		logRefusal: func(r *http.Request, err error) {
			c.Logger.Warn("webhook token refused", "provider", "gitlab", "err", err,
				"delivery", r.Header.Get(scmgitlab.DeliveryHeader), "remote", r.RemoteAddr)
		},
	})
}
