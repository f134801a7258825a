package buildkit

import (
	"context"
	"io"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/util/progress/progressui"
)

// follow reads a solve's status stream until the solve closes it. It
// writes the progress to w as `docker build --progress=plain` prints it
// ("#5 [build 2/4] RUN go build", its output, "#5 DONE 1.2s", "#5 CACHED",
// "#5 ERROR: ...") and keeps every step's output tail in st.
//
// It returns only once ch is closed, so the solve never blocks on a
// status nobody reads.
func follow(ctx context.Context, ch <-chan *client.SolveStatus, w io.Writer, st *steps) error {
	d, err := progressui.NewDisplay(w, progressui.PlainMode)
	if err != nil {
		for ss := range ch {
			st.add(ss)
		}
		return err
	}
	display := make(chan *client.SolveStatus)
	done := make(chan error, 1)
	go func() {
		// The display must see the end of a cancelled build too: it
		// prints the errors last.
		_, err := d.UpdateFrom(context.WithoutCancel(ctx), display)
		done <- err
	}()
	for ss := range ch {
		st.add(ss)
		display <- ss
	}
	close(display)
	return <-done
}
