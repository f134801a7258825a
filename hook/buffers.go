package hook

import (
	"io"
	"sync"
)

// maxPooled is the largest buffer kept for reuse: pushes are kilobytes,
// and a rare huge body should not stay in memory.
const maxPooled = 1 << 20

// buffers reuses the buffers request bodies are read into: a push is
// kilobytes, and allocating them afresh for every delivery kept the
// garbage collector busy.
type buffers struct {
	pool sync.Pool
}

// readAll reads r to its end, like io.ReadAll, into a reused buffer.
// sizeHint is the expected length (the request's Content-Length, -1 when
// unknown); it is trusted only up to maxPooled.
func (b *buffers) readAll(r io.Reader, sizeHint int64) ([]byte, error) {
	var buf []byte
	if p, ok := b.pool.Get().(*[]byte); ok {
		buf = (*p)[:0]
	}
	// One byte more than expected, to see the end without growing.
	if want := int(min(max(sizeHint, 511), maxPooled)) + 1; cap(buf) < want {
		buf = make([]byte, 0, want)
	}
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// put gives buf back for reuse; nothing may use it afterwards.
func (b *buffers) put(buf []byte) {
	if buf == nil || cap(buf) > maxPooled+1 {
		return
	}
	b.pool.Put(&buf)
}
