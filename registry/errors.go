package registry

import (
	"errors"
	"io"
	"net"
	"net/http"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/ofcbuild/ofc/pipeline"
)

// ErrNotBuilt is wrapped by PruneImage when asked to delete an image the
// service did not build, which it leaves alone.
var ErrNotBuilt = errors.New("not an image the service built: left alone")

func isNotFound(err error) bool {
	var te *transport.Error
	return errors.As(err, &te) && te.StatusCode == http.StatusNotFound
}

// classify marks err Transient when it says the registry is down or
// overloaded rather than that the request was wrong.
func classify(err error) error {
	var te *transport.Error
	if errors.As(err, &te) {
		if te.StatusCode >= 500 || te.StatusCode == http.StatusTooManyRequests || te.Temporary() {
			return pipeline.Transient(err)
		}
		return err
	}
	// Dial, read and write failures are *net.OpError; an http.Client
	// error is always a net.Error, so only its timeouts count.
	var oe *net.OpError
	var ne net.Error
	if errors.As(err, &oe) || errors.As(err, &ne) && ne.Timeout() ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return pipeline.Transient(err)
	}
	return err
}
