package fhirpkg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strconv"
	"strings"
)

// Resource is one FHIR resource found in a source.
type Resource struct {
	ResourceType string // "ValueSet", "CodeSystem", ...
	// ID, URL and Version are the resource's id, url and version; any may be
	// empty.
	ID, URL, Version string
	// Origin says where the resource came from: "file.json",
	// "pkg.tgz:package/ValueSet-x.json", "bundle.json#entry[3]".
	Origin string
	// JSON is the resource's own JSON, exactly as read (less a leading UTF-8
	// byte order mark); for a Bundle entry, the entry's resource.
	JSON json.RawMessage
}

// Skipped is a file or entry that was not read as a resource, and why.
type Skipped struct{ Origin, Reason string }

// Package is the manifest (package/package.json) of an NPM package read.
type Package struct {
	Name, Version string
	// FHIRVersion is fhirVersions[0], or else fhir-version-list[0]; it may be
	// empty.
	FHIRVersion string
	// Origin is the .tgz the manifest came from.
	Origin string
}

// Result is what reading a set of sources yields.
type Result struct {
	Resources []Resource
	Skipped   []Skipped
	Packages  []Package
	// Ignored counts the resources dropped because Options.Types did not
	// want them. They are not listed: a package can hold hundreds.
	Ignored int
}

// Default bounds, used when the Options field is zero or negative.
const (
	DefaultMaxFileBytes  int64 = 64 << 20
	DefaultMaxTotalBytes int64 = 1 << 30
)

// Options says what Read keeps. The zero value keeps every resource found,
// except package examples, with the default bounds.
type Options struct {
	// Types, when not empty, keeps only resources of these types; the others
	// are dropped silently and counted in Result.Ignored. Bundles are always
	// unpacked, whatever Types says, and never returned themselves.
	Types []string
	// MaxFileBytes bounds a single JSON file or tar member (default 64 MiB).
	// A larger one inside a directory or package is Skipped; a larger .json
	// file named as a source is an error.
	MaxFileBytes int64
	// MaxTotalBytes bounds what one .tgz may decompress to, headers and
	// ignored members included (default 1 GiB). A larger one is an error.
	MaxTotalBytes int64
	// Examples, when false (the default), ignores the files under
	// package/example/ of an NPM package: they are examples, not definitions.
	Examples bool
}

// maxBundleDepth bounds how deep Bundles inside Bundles are unpacked.
const maxBundleDepth = 8

// Read reads each source, in the order given, and returns what they hold.
// A source is
//
//   - a .json file: a resource, or a Bundle whose entries' resources are each
//     returned (origin "file.json#entry[i]");
//   - a FHIR NPM package, .tgz or .tar.gz: its .json members are read in
//     order of their cleaned path; package/package.json is the manifest (see
//     Result.Packages), hidden files such as package/.index.json and other
//     package.json files are ignored, as are package/openapi/ and, unless
//     Options.Examples, package/example/; non-JSON members are ignored;
//   - a directory, walked recursively in path order, following symlinks and
//     skipping hidden files and directories: the .json (but not
//     package.json), .tgz and .tar.gz files in it are read as above; a file
//     or directory reached twice through symlinks is read once.
//
// Any error names the source or file at fault, and Read then returns no
// Result: a source that does not exist or cannot be read, an archive that is
// not a valid gzip/tar stream or is larger than Options.MaxTotalBytes, and a
// .json file named as a source that is not a FHIR resource or Bundle. A
// .json file or member inside a directory or package that does not parse,
// or has no resourceType, is listed in Result.Skipped instead.
func Read(sources []string, opts Options) (*Result, error) {
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.MaxTotalBytes <= 0 {
		opts.MaxTotalBytes = DefaultMaxTotalBytes
	}
	r := &reader{opts: opts, res: &Result{}}
	if len(opts.Types) > 0 {
		r.types = make(map[string]bool, len(opts.Types))
		for _, t := range opts.Types {
			r.types[t] = true
		}
	}
	for _, src := range sources {
		if err := r.source(src); err != nil {
			return nil, err
		}
	}
	return r.res, nil
}

// reader holds the state of one Read.
type reader struct {
	opts  Options
	types map[string]bool // nil: every type wanted
	res   *Result
}

// source reads one of the sources given to Read.
func (r *reader) source(src string) error {
	fi, err := os.Stat(src)
	switch {
	case err != nil:
		return failure(src, err)
	case fi.IsDir():
		return r.dir(src)
	case !fi.Mode().IsRegular():
		return failure(src, errors.New("not a regular file or directory"))
	case isJSON(src):
		return r.jsonFile(src, true)
	case isPackage(src):
		return r.packageFile(src)
	}
	return failure(src, errors.New("not a .json file, a .tgz or .tar.gz package, or a directory"))
}

// jsonFile reads the .json file at p. When top, p was named as a source and
// anything that keeps it from loading is an error; otherwise it is Skipped.
func (r *reader) jsonFile(p string, top bool) error {
	data, reason, err := readFile(p, r.opts.MaxFileBytes)
	if err != nil {
		return failure(p, err)
	}
	if reason == "" {
		reason = r.document(p, data, 0)
	}
	if reason != "" {
		if top {
			return failure(p, errors.New(reason))
		}
		r.skip(p, reason)
	}
	return nil
}

// readFile reads the file at p, or says why not when it is over max bytes.
func readFile(p string, max int64) (data []byte, tooBig string, err error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if fi.Size() > max {
		return nil, overLimit(fi.Size(), max), nil
	}
	data, err = io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > max { // it grew since Stat
		return nil, overLimit(-1, max), nil
	}
	return data, "", nil
}

// overLimit says that a file of size bytes (-1: unknown) is too large.
func overLimit(size, max int64) string {
	if size < 0 {
		return fmt.Sprintf("over MaxFileBytes (%d)", max)
	}
	return fmt.Sprintf("%d bytes, over MaxFileBytes (%d)", size, max)
}

// head is what Read takes from a resource; everything else stays in the JSON.
type head struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	URL          string `json:"url"`
	Version      string `json:"version"`
}

var bom = []byte("\xef\xbb\xbf")

// document reads one JSON document found at origin: a resource, which it
// keeps if wanted, or a Bundle, whose entries it reads. It returns why the
// document itself is not a resource, or "" when it is.
func (r *reader) document(origin string, data []byte, depth int) string {
	data = bytes.TrimPrefix(data, bom)
	var h head
	if err := json.Unmarshal(data, &h); err != nil {
		return describe(err)
	}
	switch {
	case h.ResourceType == "":
		return "no resourceType"
	case h.ResourceType == "Bundle":
		return r.bundle(origin, data, depth)
	case r.types != nil && !r.types[h.ResourceType]:
		r.res.Ignored++
		return ""
	}
	r.res.Resources = append(r.res.Resources, Resource{
		ResourceType: h.ResourceType,
		ID:           h.ID,
		URL:          h.URL,
		Version:      h.Version,
		Origin:       origin,
		JSON:         json.RawMessage(data),
	})
	return ""
}

// bundle reads the entries of the Bundle at origin. An entry that is not a
// resource is Skipped, whatever the Bundle's source.
func (r *reader) bundle(origin string, data []byte, depth int) string {
	if depth >= maxBundleDepth {
		return "Bundle nested more than " + strconv.Itoa(maxBundleDepth) + " deep"
	}
	var b struct {
		Entry []json.RawMessage `json:"entry"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return "Bundle: " + describe(err)
	}
	for i, raw := range b.Entry {
		at := origin + "#entry[" + strconv.Itoa(i) + "]"
		var e struct {
			Resource json.RawMessage `json:"resource"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			r.skip(at, "entry: "+describe(err))
			continue
		}
		if len(e.Resource) == 0 || string(e.Resource) == "null" {
			r.skip(at, "entry has no resource")
			continue
		}
		if reason := r.document(at, e.Resource, depth+1); reason != "" {
			r.skip(at, reason)
		}
	}
	return ""
}

// describe says in FHIR terms why json.Unmarshal into a struct failed.
func describe(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return "not a JSON object but " + article(te.Value)
		}
		return te.Field + " is " + article(te.Value) + ", not " + article(jsonKind(te.Type))
	}
	return "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind names the JSON value that decodes to t.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return ""
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.Kind().String()
}

// article prefixes the first word of what with "a" or "an".
func article(what string) string {
	what, _, _ = strings.Cut(what, " ")
	if what == "" {
		return "something else"
	}
	if strings.ContainsRune("aeiou", rune(what[0])) {
		return "an " + what
	}
	return "a " + what
}

func (r *reader) skip(origin, reason string) {
	r.res.Skipped = append(r.res.Skipped, Skipped{Origin: origin, Reason: reason})
}

// failure is the error for where (a source, or a file within one). It drops
// a *fs.PathError's own copy of the path, so that the path is named once.
func failure(where string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == where {
		err = pe.Err
	}
	return fmt.Errorf("fhirpkg: %s: %w", where, err)
}

func isJSON(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), ".json")
}

func isPackage(name string) bool {
	name = strings.ToLower(name)
	return strings.HasSuffix(name, ".tgz") || strings.HasSuffix(name, ".tar.gz")
}
