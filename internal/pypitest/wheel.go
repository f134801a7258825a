package pypitest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Wheel is a pure-Python distribution the index serves as
// <dist>-<version>-py3-none-any.whl.
type Wheel struct {
	// Name is the distribution name as a user writes it ("Hello-World");
	// the index lists it under its normalized name ("hello-world").
	Name string
	// Version is a normalized PEP 440 version such as "1.0.0".
	Version string
	// Files are the importable files by path in site-packages
	// ("hello/__init__.py").
	Files map[string]string
	// RequiresPython, when set, is both the wheel's Requires-Python and
	// the index's data-requires-python, which pip checks before download.
	RequiresPython string
}

var separators = regexp.MustCompile(`[-_.]+`)

// Normalize is a project name as PEP 503 normalizes it for the index's
// URLs: lower case, runs of "-", "_" and "." turned into one "-".
func Normalize(name string) string {
	return strings.ToLower(separators.ReplaceAllString(name, "-"))
}

// filename is the wheel's file name; the binary distribution format
// escapes the name with "_" so that "-" only separates fields.
func (w Wheel) filename() string {
	return w.escapedName() + "-" + w.Version + "-py3-none-any.whl"
}

func (w Wheel) escapedName() string {
	return strings.ToLower(separators.ReplaceAllString(w.Name, "_"))
}

// build packs w as a wheel: its files, then the .dist-info directory whose
// RECORD lists every file with its sha256 digest, urlsafe base64 without
// padding as the wheel format demands.
func (w Wheel) build() ([]byte, error) {
	info := w.escapedName() + "-" + w.Version + ".dist-info/"
	meta := "Metadata-Version: 2.1\nName: " + w.Name + "\nVersion: " + w.Version + "\n"
	if w.RequiresPython != "" {
		meta += "Requires-Python: " + w.RequiresPython + "\n"
	}
	files := map[string]string{
		info + "METADATA": meta,
		info + "WHEEL": "Wheel-Version: 1.0\nGenerator: pypitest\n" +
			"Root-Is-Purelib: true\nTag: py3-none-any\n",
	}
	names := []string{}
	for k, v := range w.Files {
		if strings.HasPrefix(k, info) {
			return nil, fmt.Errorf("wheel %s: %s is generated", w.filename(), k)
		}
		files[k] = v
		names = append(names, k)
	}
	// The module files first and the metadata last, as wheel builders
	// write them, so that installers meet RECORD at the end.
	sort.Strings(names)
	names = append(names, info+"METADATA", info+"WHEEL")

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// A fixed, valid date keeps wheels reproducible; a zero one reads as
	// month 0, which some zip readers refuse.
	create := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{
			Name: name, Method: zip.Deflate, Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC),
		})
	}
	var record strings.Builder
	for _, n := range names {
		body := files[n]
		f, err := create(n)
		if err != nil {
			return nil, err
		}
		if _, err := f.Write([]byte(body)); err != nil {
			return nil, err
		}
		sum := sha256.Sum256([]byte(body))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", n, base64.RawURLEncoding.EncodeToString(sum[:]), len(body))
	}
	// RECORD cannot hold its own hash.
	record.WriteString(info + "RECORD,,\n")
	f, err := create(info + "RECORD")
	if err != nil {
		return nil, err
	}
	if _, err := f.Write([]byte(record.String())); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
