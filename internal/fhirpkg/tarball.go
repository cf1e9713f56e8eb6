package fhirpkg

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
)

// The parts of an NPM package that Read treats specially.
const (
	manifestName  = "package/package.json"
	examplePrefix = "package/example/"
	openapiPrefix = "package/openapi/"
)

// member is a tar member Read wants: its data, or why it was not read.
type member struct {
	name   string // cleaned
	data   []byte
	reason string // not "" when data was not read
}

// packageFile reads the FHIR NPM package at p.
func (r *reader) packageFile(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return failure(p, err)
	}
	defer f.Close()
	manifest, members, err := r.untar(f)
	if err != nil {
		return failure(p, err)
	}
	if manifest != nil {
		r.manifest(p, manifest)
	}
	slices.SortStableFunc(members, func(a, b member) int { return comparePaths(a.name, b.name) })
	for _, m := range members {
		origin := p + ":" + m.name
		reason := m.reason
		if reason == "" {
			reason = r.document(origin, m.data, 0)
		}
		if reason != "" {
			r.skip(origin, reason)
		}
	}
	return nil
}

// untar reads the wanted members of the gzipped tar stream in, in the order
// the archive holds them; a later member of the same cleaned name replaces
// an earlier one, as unpacking the archive would.
func (r *reader) untar(in io.Reader) (manifest *member, members []member, err error) {
	zr, err := gzip.NewReader(in)
	if err != nil {
		return nil, nil, fmt.Errorf("not a valid gzip stream: %w", err)
	}
	br := &boundedReader{r: zr, left: r.opts.MaxTotalBytes, max: r.opts.MaxTotalBytes}
	tr := tar.NewReader(br)
	index := map[string]int{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, br.blame(err, "not a valid tar stream")
		}
		if hdr.Typeflag != tar.TypeReg {
			continue // directories, links, devices: nothing to read
		}
		name := cleanName(hdr.Name)
		isManifest := name == manifestName
		if !isManifest && !r.wanted(name) {
			continue
		}
		m := member{name: name}
		if hdr.Size > r.opts.MaxFileBytes {
			m.reason = overLimit(hdr.Size, r.opts.MaxFileBytes)
		} else if m.data, err = io.ReadAll(tr); err != nil {
			return nil, nil, br.blame(err, "reading "+name)
		}
		switch i, seen := index[name]; {
		case isManifest:
			manifest = &m
		case seen:
			members[i] = m
		default:
			index[name] = len(members)
			members = append(members, m)
		}
	}
	// Read to the end of the gzip stream, so that it checks its checksum.
	if _, err := io.Copy(io.Discard, br); err != nil {
		return nil, nil, br.blame(err, "not a valid gzip stream")
	}
	return manifest, members, nil
}

// wanted says whether the member called name (cleaned, not the manifest) is
// read as a resource.
func (r *reader) wanted(name string) bool {
	if name == "" || !isJSON(name) || path.Base(name) == "package.json" {
		return false
	}
	for part := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(part, ".") { // hidden, such as package/.index.json
			return false
		}
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, openapiPrefix) || strings.HasSuffix(lower, ".openapi.json") {
		return false
	}
	return r.opts.Examples || !strings.HasPrefix(name, examplePrefix)
}

// cleanName is the tar member name n with any leading "/" and any ".."
// that would climb out of the archive removed: "../../x" is "x".
func cleanName(n string) string {
	return strings.TrimPrefix(path.Clean("/"+n), "/")
}

// comparePaths orders slash-separated paths element by element, as a walk of
// sorted directories visits them: "a/b" before "a-b".
func comparePaths(a, b string) int {
	return strings.Compare(strings.ReplaceAll(a, "/", "\x00"), strings.ReplaceAll(b, "/", "\x00"))
}

// manifest records the package manifest m of the package at p, or Skips it.
func (r *reader) manifest(p string, m *member) {
	origin := p + ":" + m.name
	if m.reason != "" {
		r.skip(origin, m.reason)
		return
	}
	var man struct {
		Name            string          `json:"name"`
		Version         string          `json:"version"`
		FHIRVersions    json.RawMessage `json:"fhirVersions"`
		FHIRVersionList json.RawMessage `json:"fhir-version-list"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(m.data, bom), &man); err != nil {
		r.skip(origin, "package manifest: "+describe(err))
		return
	}
	v := firstString(man.FHIRVersions)
	if v == "" {
		v = firstString(man.FHIRVersionList)
	}
	r.res.Packages = append(r.res.Packages, Package{Name: man.Name, Version: man.Version, FHIRVersion: v, Origin: p})
}

// firstString is the first string of a JSON array of strings, or the string
// itself; "" for anything else.
func firstString(raw json.RawMessage) string {
	var list []string
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return list[0]
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// boundedReader fails once more than max bytes have been read from r, and
// keeps the error r last failed with.
type boundedReader struct {
	r         io.Reader
	left, max int64
	err       error
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.tooBig()
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	b.left -= int64(n)
	if b.left < 0 {
		return n, b.tooBig()
	}
	return n, err
}

func (b *boundedReader) tooBig() error {
	return fmt.Errorf("archive decompresses to more than %d bytes (MaxTotalBytes)", b.max)
}

// blame is the error for err, met while reading the archive: the bound when
// it was passed, or the gzip stream's own error, whatever the tar reader made
// of those; else err, as what went wrong.
func (b *boundedReader) blame(err error, what string) error {
	if b.left < 0 {
		return b.tooBig()
	}
	if b.err != nil {
		err, what = b.err, "not a valid gzip stream"
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: truncated", what)
	}
	return fmt.Errorf("%s: %w", what, err)
}
