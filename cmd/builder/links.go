package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/access"
)

// statusLink gives the link a build's commit statuses carry: the build's
// page, <OFC_PUBLIC_URL>/builds/<id>. With a link key it is signed for
// LinkTTL, so that it opens the build, its JSON and its live log for
// whoever can see the status, also in a private repository.
func statusLink(cfg config) func(id int64) string {
	base := strings.TrimRight(cfg.PublicURL, "/") + "/builds/"
	signer := access.NewSigner(cfg.LinkKey)
	return func(id int64) string {
		link := base + strconv.FormatInt(id, 10)
		if signer == nil {
			return link
		}
		return link + "?" + signer.Sign(id, time.Now().Add(cfg.LinkTTL)).Encode()
	}
}
