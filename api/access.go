package api

import (
	"net/http"

	"github.com/ofcbuild/ofc/pipeline"
)

// Access decides who may read what. A build, its functions and its log
// are read with the same right as its repository. What cannot be read is
// answered 404, as if it did not exist, so that a private repository's
// name and builds are not disclosed. Safe for concurrent use.
type Access interface {
	// CanReadRepo reports whether r may read repo: anyone for a public
	// repository; for a private one, an API token.
	CanReadRepo(r *http.Request, repo pipeline.Repo) bool
	// CanReadBuild reports whether r may read build b: as its
	// repository, or with a valid, unexpired signed link to b.
	CanReadBuild(r *http.Request, b pipeline.Build) bool
}
