package npmtest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// Package is one version of a package the registry serves.
type Package struct {
	// Name is the package name, "@scope/name" or "name".
	Name string
	// Version is a semver version such as "1.0.0".
	Version string
	// Files are the package's files by path below package/ ("index.js",
	// "lib/x.js"). A package.json is generated, with "main": "index.js",
	// unless Files has one.
	Files map[string]string
}

// built is a Package packed as npm publishes it, with the dist fields a
// packument carries for it.
type built struct {
	pkg       Package
	manifest  map[string]any // package.json, the base of the version's packument entry
	tarball   []byte
	file      string // tarball file name, "name-1.0.0.tgz"
	integrity string // sha512 SRI, which npm checks the download against
	shasum    string // sha1 hex, which older clients check
}

// build packs p into the tarball npm would publish: a gzipped tar whose
// entries sit below "package/".
func build(p Package) (*built, error) {
	files := map[string]string{}
	for k, v := range p.Files {
		files[k] = v
	}
	if _, ok := files["package.json"]; !ok {
		pj, err := json.MarshalIndent(map[string]string{
			"name": p.Name, "version": p.Version, "main": "index.js",
		}, "", "  ")
		if err != nil {
			return nil, err
		}
		files["package.json"] = string(pj) + "\n"
	}
	var manifest map[string]any
	if err := json.Unmarshal([]byte(files["package.json"]), &manifest); err != nil {
		return nil, fmt.Errorf("package %s@%s: package.json: %w", p.Name, p.Version, err)
	}

	names := make([]string, 0, len(files))
	for k := range files {
		names = append(names, k)
	}
	sort.Strings(names)

	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	// npm pack uses a fixed date so that tarballs are reproducible; so do we.
	mtime := time.Date(1985, 10, 26, 8, 15, 0, 0, time.UTC)
	for _, n := range names {
		body := files[n]
		hdr := &tar.Header{
			Name: path.Join("package", n), Mode: 0o644, Size: int64(len(body)),
			ModTime: mtime, Typeflag: tar.TypeReg,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}

	s512 := sha512.Sum512(buf.Bytes())
	s1 := sha1.Sum(buf.Bytes())
	base := p.Name[strings.LastIndex(p.Name, "/")+1:]
	return &built{
		pkg:       p,
		manifest:  manifest,
		tarball:   buf.Bytes(),
		file:      base + "-" + p.Version + ".tgz",
		integrity: "sha512-" + base64.StdEncoding.EncodeToString(s512[:]),
		shasum:    hex.EncodeToString(s1[:]),
	}, nil
}

// packument is the document npm fetches for a name: every version's
// manifest with its dist, and dist-tags.latest, which an install without
// a version range resolves to.
func packument(baseURL, name string, versions []*built) map[string]any {
	vs := map[string]any{}
	times := map[string]string{}
	latest := ""
	for _, b := range versions {
		m := map[string]any{}
		for k, v := range b.manifest {
			m[k] = v
		}
		m["_id"] = name + "@" + b.pkg.Version
		m["dist"] = map[string]any{
			"tarball":   baseURL + "/" + name + "/-/" + b.file,
			"integrity": b.integrity,
			"shasum":    b.shasum,
		}
		vs[b.pkg.Version] = m
		times[b.pkg.Version] = "2024-01-01T00:00:00.000Z"
		// The last version given is the latest, as if published last.
		latest = b.pkg.Version
	}
	return map[string]any{
		"_id":       name,
		"name":      name,
		"dist-tags": map[string]string{"latest": latest},
		"versions":  vs,
		"time":      times,
	}
}
