package fhir

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// requestKey is a request's cache key in two forms. local keys the
// in-process tier and the flights: the fingerprint, the operation, then
// the key's input itself (everything the answer depends on, each part
// after its length). A map hashes that faster than sha256 does, and a
// local hit needs nothing more. shared keys Redis and the published map:
// the same prefix, then a hash of the input, short and of fixed length for
// a store that other replicas and other processes read. It is made on
// first use, which a local hit never makes.
type requestKey struct {
	local  string
	prefix int // len(fp[:32] + ":" + op + ":")
	shared string
}

func (k *requestKey) sharedKey() string {
	if k.shared == "" {
		sum := sha256.Sum256([]byte(k.local[k.prefix:]))
		out := make([]byte, 0, k.prefix+32)
		out = append(out, k.local[:k.prefix]...)
		out = hex.AppendEncode(out, sum[:16])
		k.shared = string(out)
	}
	return k.shared
}

// key derives the cache key of a request: the data fingerprint, the
// operation, and everything the answer depends on — the software version,
// the public base URL (for a search: its links and fullUrls carry it), the
// method and path, the parameters the operation knows (keyParam) of the
// query and POST body in canonical form, the response format and the
// content coding. Nothing else a client sends (an unknown parameter, a
// forwarded host on a read) makes another key for the same answer. ok is
// false for requests that are not cached: an unreadable or too large body, requests of a cache-id
// session, and strict ones (Prefer: handling=strict: an unknown parameter,
// which the key leaves out, makes them a 400).
func (rc *ResponseCache) key(c *gin.Context, op, fp string) (key requestKey, ok bool) {
	r := c.Request
	if headerValue(r.Header, cacheIDHeader) != "" || strictHandling(r) {
		// A cache-id session's definitions can grow between two identical
		// requests, so its answers are never shared.
		return requestKey{}, false
	}
	keep := func(name string) bool { return keyParam(op, name) }
	var qbuf [512]byte
	query, _ := appendCanonicalQuery(qbuf[:0], r.URL.RawQuery, keep)
	body, ok := rc.bodies.canonicalBody(r, op, keep)
	if !ok {
		return requestKey{}, false
	}
	base := ""
	if op == opSearch {
		base = rc.s.baseURL(c)
	}
	enc := "identity"
	if acceptsGzip(headerValue(r.Header, "Accept-Encoding")) {
		enc = "gzip"
	}
	// The too-costly threshold a client may set changes the answer of $expand.
	threshold := headerValue(r.Header, tooCostlyHeaderKey)
	// So does Accept-Language: the displays of an expansion are in its languages.
	lang := headerValue(r.Header, "Accept-Language")
	// The key is built in a buffer on the stack (most requests fit) and
	// copied once into its string.
	var buf [1024]byte
	in := append(buf[:0], fp[:32]...)
	in = append(in, ':')
	in = append(in, op...)
	in = append(in, ':')
	prefix := len(in)
	for _, part := range [...]string{"k3", rc.s.cfg.SoftwareVersion, base, r.Method, r.URL.Path} {
		in = appendPart(in, part)
	}
	in = appendPart(in, query)
	// The negotiated format (negotiate ran before the middleware), not the
	// _format or Accept spelling: every spelling of JSON is one answer.
	for _, part := range [...]string{body, formatOf(c).String(), enc, threshold, lang} {
		in = appendPart(in, part)
	}
	return requestKey{local: string(in), prefix: prefix}, true
}

func appendPart[S string | []byte](in []byte, part S) []byte {
	in = binary.AppendUvarint(in, uint64(len(part)))
	return append(in, part...)
}

// tooCostlyHeaderKey is tooCostlyHeader in the canonical form of Go's
// header map.
const tooCostlyHeaderKey = "X-Too-Costly-Threshold"

// headerValue is h.Get for a name already in canonical form (a constant):
// Get canonicalises the name on every call, which showed in the profile of
// the cache's hot path.
func headerValue(h http.Header, canonicalName string) string {
	if v := h[canonicalName]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// appendCanonicalQuery appends to dst the raw name=value pairs of a query
// that keep accepts, sorted so that parameter order does not matter, and
// drops the others, empty pairs and _format (the key carries the format
// negotiate chose instead: every spelling of one format is one answer). It works on the raw pairs:
// the multiset of pairs is what the handlers see, and two spellings of one
// value (%7C and |) merely get two entries. format is the first _format
// pair, the one negotiate reads.
func appendCanonicalQuery(dst []byte, raw string, keep func(name string) bool) (query []byte, format string) {
	var kp [16]string // most queries have a few pairs: no allocation
	kept := kp[:0]
	for raw != "" {
		var p string
		p, raw, _ = strings.Cut(raw, "&") // not SplitSeq: its closure would move kept to the heap
		switch {
		case p == "":
		case p == "_format" || strings.HasPrefix(p, "_format="):
			if format == "" {
				format = p + "=" // present, even if empty
				if strings.HasPrefix(p, "_format=") {
					format = p
				}
			}
		case keep(queryName(p)):
			kept = append(kept, p)
		}
	}
	slices.Sort(kept)
	for i, p := range kept {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p...)
	}
	return dst, format
}

// queryName is the unescaped name of a raw name=value pair (checkQuery has
// refused a query whose names do not unescape).
func queryName(pair string) string {
	name, _, _ := strings.Cut(pair, "=")
	if n, err := url.QueryUnescape(name); err == nil {
		return n
	}
	return name
}

// canonicalBody reads a POST body, puts it back for the handler, and
// returns its canonical form: a Parameters resource with the parameters
// keep accepts, sorted by name, then value, re-marshalled (an XML one
// converted to JSON first); or a form, sorted. A body that is too large,
// unreadable, not JSON or FHIR XML, or of another media type is not cached: the handler answers it with an error.
func (d *bodyDigests) canonicalBody(r *http.Request, op string, keep func(name string) bool) (string, bool) {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
		return "", true
	}
	body, err := readAll(io.LimitReader(r.Body, maxBodyBytes+1), r.ContentLength)
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	if err != nil || len(body) > maxBodyBytes {
		return "", false
	}
	mt := "application/fhir+json"
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return "", false
		}
	}
	switch bodyFormat(mt) {
	case bodyForm:
		q, f := appendCanonicalQuery([]byte("form:"), string(body), keep)
		return string(q) + "\x00" + f, true
	case bodyJSON:
		return d.jsonDigest(body, op, false, keep)
	case bodyXML:
		return d.jsonDigest(body, op, true, keep)
	}
	return "", false
}

func canonicalParameters(body []byte, keep func(name string) bool) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep numbers as written
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return "", false
	}
	params, _ := doc["parameter"].([]any)
	type param struct {
		name  string
		canon []byte
		v     any
	}
	ps := make([]param, 0, len(params))
	for _, p := range params {
		name := ""
		if m, ok := p.(map[string]any); ok {
			name, _ = m["name"].(string)
		}
		if !keep(name) {
			continue
		}
		canon, err := json.Marshal(p) // map keys sorted
		if err != nil {
			return "", false
		}
		ps = append(ps, param{name: name, canon: canon, v: p})
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].name != ps[j].name {
			return ps[i].name < ps[j].name
		}
		return bytes.Compare(ps[i].canon, ps[j].canon) < 0
	})
	params = params[:len(ps)]
	for i := range ps {
		params[i] = ps[i].v
	}
	if doc["parameter"] != nil {
		doc["parameter"] = params
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// bodyDigests remembers, for the bytes of a large POSTed body (with the
// operation, which decides the parameters kept), the digest of its
// canonical form. The HL7 validator sends the same tx-resources with every
// request: canonicalising 53 KB (a JSON decode, sort and encode) cost more
// than the answer, and hashing the bytes costs a fortieth of that.
type bodyDigests struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]string
}

// Bounds of bodyDigests: bodies smaller than bodyDigestMin are
// canonicalised each time (that is cheap), and at most maxBodyDigests
// digests are kept (about 100 bytes each); when full it starts over.
const (
	bodyDigestMin  = 4 << 10
	maxBodyDigests = 4096
)

// jsonDigest is the key part of a JSON body, or of an XML one (keyed on
// the JSON it converts to, so that it shares the entries of the same
// Parameters in JSON): "json#" and the SHA-256 of its canonical form. An
// XML body that does not convert is not cached: the handler answers it
// with a 400.
func (d *bodyDigests) jsonDigest(body []byte, op string, isXML bool, keep func(name string) bool) (string, bool) {
	var raw [sha256.Size]byte
	if len(body) >= bodyDigestMin {
		h := sha256.New()
		h.Write([]byte(op))
		if isXML {
			h.Write([]byte{1})
		} else {
			h.Write([]byte{0})
		}
		h.Write(body)
		h.Sum(raw[:0])
		d.mu.Lock()
		v, ok := d.m[raw]
		d.mu.Unlock()
		if ok {
			return v, true
		}
	}
	if isXML {
		var err error
		if body, err = fhirxml.Decode(bytes.NewReader(body)); err != nil {
			return "", false
		}
	}
	canon, ok := canonicalParameters(body, keep)
	if !ok {
		return "", false
	}
	sum := sha256.Sum256([]byte(canon))
	v := "json#" + hex.EncodeToString(sum[:])
	if len(body) >= bodyDigestMin {
		d.mu.Lock()
		if d.m == nil || len(d.m) >= maxBodyDigests {
			d.m = make(map[[sha256.Size]byte]string)
		}
		d.m[raw] = v
		d.mu.Unlock()
	}
	return v, true
}
