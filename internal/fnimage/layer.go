package fnimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"time"
)

// The CGI scripts name every command by its absolute path. The base's
// busybox sh runs applets by re-executing /proc/self/exe; where that fails
// (no /proc, as in a bare chroot) it falls back to executing the bare name
// relative to the working directory, which httpd sets to /www/cgi-bin, and
// "cat" or "env" would then run these very scripts, forever.
const (
	cgiHeader = "#!/bin/sh\necho 'Content-Type: text/plain'\necho\n"

	echoScript = cgiHeader + `echo "method=$REQUEST_METHOD"
echo "query=$QUERY_STRING"
echo "x-test=$HTTP_X_TEST"
if [ -n "$CONTENT_LENGTH" ]; then
	/usr/bin/head -c "$CONTENT_LENGTH"
fi
`
	envScript = cgiHeader + `/usr/bin/env | /usr/bin/sort
`
	catScript = cgiHeader + `/bin/cat -- "$QUERY_STRING" 2>/dev/null || echo missing
`
	writeScript = cgiHeader + `if /bin/touch -- "$QUERY_STRING" 2>/dev/null; then
	echo ok
else
	echo read-only
fi
`
)

// entry is one file or directory of the function layer.
type entry struct {
	path string // relative to /, directories end in "/"
	mode int64
	body string
}

// entries lists the layer's contents in the order they are written:
// parents before children, so extraction never creates a directory
// implicitly with some other mode.
func entries(answer string) []entry {
	return []entry{
		{path: "www/", mode: 0o755},
		{path: "www/index.html", mode: 0o644, body: answer},
		{path: "www/_/", mode: 0o755},
		{path: "www/_/health", mode: 0o644, body: "OK"},
		{path: "www/_/ready", mode: 0o644, body: "OK"},
		{path: "www/cgi-bin/", mode: 0o755},
		{path: "www/cgi-bin/cat", mode: 0o755, body: catScript},
		{path: "www/cgi-bin/echo", mode: 0o755, body: echoScript},
		{path: "www/cgi-bin/env", mode: 0o755, body: envScript},
		{path: "www/cgi-bin/write", mode: 0o755, body: writeScript},
	}
}

// layerEpoch is the modification time (Unix seconds) of every entry; a
// fixed time keeps the layer's digest a function of its contents alone.
const layerEpoch = 0

// layerTar returns the uncompressed tar of the function layer.
func layerTar(answer string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries(answer) {
		hdr := &tar.Header{
			Name:    e.path,
			Mode:    e.mode,
			Uid:     0,
			Gid:     0,
			Uname:   "root",
			Gname:   "root",
			ModTime: time.Unix(layerEpoch, 0),
		}
		if e.path[len(e.path)-1] == '/' {
			hdr.Typeflag = tar.TypeDir
		} else {
			hdr.Typeflag = tar.TypeReg
			hdr.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("tar header %s: %w", e.path, err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			return nil, fmt.Errorf("tar body %s: %w", e.path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("close tar: %w", err)
	}
	return buf.Bytes(), nil
}
