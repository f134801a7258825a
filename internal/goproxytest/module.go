package goproxytest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// Module is one version of a module the proxy serves.
type Module struct {
	// Path is the module path, "example.com/Acme/greet"; upper case is
	// fine, the proxy's URLs escape it as the go command expects.
	Path string
	// Version is a canonical semantic version such as "v1.0.0".
	Version string
	// Files are the module's files by slash path from its root
	// ("greet.go", "internal/x/x.go"). A go.mod declaring Path is
	// generated unless Files has one.
	Files map[string]string
}

// built is a Module as the proxy answers for it, with the hashes go.sum
// records for it.
type built struct {
	mod     Module
	info    []byte
	gomod   []byte
	zip     []byte
	zipHash string // h1: of the zip's contents, go.sum's "<path> <version>" line
	modHash string // h1: of go.mod alone, go.sum's "<path> <version>/go.mod" line
}

// published is the time every .info reports; the go command only shows it.
var published = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func build(m Module) (*built, error) {
	mv := module.Version{Path: m.Path, Version: m.Version}
	if err := module.Check(m.Path, m.Version); err != nil {
		return nil, err
	}
	files := map[string]string{}
	for k, v := range m.Files {
		files[k] = v
	}
	if _, ok := files["go.mod"]; !ok {
		files["go.mod"] = "module " + m.Path + "\n\ngo 1.21\n"
	}
	names := make([]string, 0, len(files))
	for k := range files {
		names = append(names, k)
	}
	sort.Strings(names)
	zfiles := make([]modzip.File, 0, len(names))
	for _, n := range names {
		zfiles = append(zfiles, memFile{name: n, body: files[n]})
	}

	// zip.Create applies the go command's own rules: the path@version/
	// prefix, size limits, and which files a module zip may hold.
	var zbuf bytes.Buffer
	if err := modzip.Create(&zbuf, mv, zfiles); err != nil {
		return nil, fmt.Errorf("module %s: %w", mv, err)
	}
	zipHash, err := hashZip(zbuf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("module %s: %w", mv, err)
	}
	gomod := []byte(files["go.mod"])
	// The go command hashes go.mod as a one-file tree named "go.mod".
	modHash, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(gomod)), nil
	})
	if err != nil {
		return nil, err
	}
	info, err := json.Marshal(map[string]any{"Version": m.Version, "Time": published})
	if err != nil {
		return nil, err
	}
	return &built{mod: m, info: info, gomod: gomod, zip: zbuf.Bytes(), zipHash: zipHash, modHash: modHash}, nil
}

// hashZip is dirhash.HashZip for a zip in memory: Hash1 over the zip's
// entries by their names, path@version/file.
func hashZip(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	byName := map[string]*zip.File{}
	var names []string
	for _, f := range zr.File {
		byName[f.Name] = f
		names = append(names, f.Name)
	}
	return dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
		return byName[name].Open()
	})
}

// goSum is the module's two go.sum lines.
func (b *built) goSum() string {
	return fmt.Sprintf("%s %s %s\n%s %s/go.mod %s\n",
		b.mod.Path, b.mod.Version, b.zipHash, b.mod.Path, b.mod.Version, b.modHash)
}

// memFile is a file in memory as zip.Create reads it.
type memFile struct{ name, body string }

func (f memFile) Path() string                 { return f.name }
func (f memFile) Lstat() (os.FileInfo, error)  { return memInfo(f), nil }
func (f memFile) Open() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(f.body)), nil }

type memInfo memFile

func (i memInfo) Name() string       { return i.name[strings.LastIndex(i.name, "/")+1:] }
func (i memInfo) Size() int64        { return int64(len(i.body)) }
func (i memInfo) Mode() fs.FileMode  { return 0o644 }
func (i memInfo) ModTime() time.Time { return published }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
