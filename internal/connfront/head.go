package connfront

import "bytes"

// maxFields bounds the headers of a request that is offered.
const maxFields = 16

// Request is a request head offered to an Answerer: a GET in HTTP/1.1
// without a body, whose headers are all among Config.Headers. Its slices
// point into the connection's buffer and are valid only during the call.
type Request struct {
	// Target is the request-target as sent: what net/http calls
	// Request.RequestURI.
	Target []byte
	// Host is the Host header's value, as net/http gives Request.Host.
	Host   []byte
	fields [maxFields]field
	n      int
}

type field struct {
	name  string // as in Config.Headers
	value []byte // trimmed of spaces and tabs, as net/http does
}

// Header returns the value of the header name (one of Config.Headers, as
// written there), and whether the request carries it.
func (r *Request) Header(name string) ([]byte, bool) {
	for _, f := range r.fields[:r.n] {
		if f.name == name {
			return f.value, true
		}
	}
	return nil, false
}

// headKind is what the connection may do with a request head.
type headKind int

const (
	// headIncomplete: the blank line ending the head has not arrived.
	headIncomplete headKind = iota
	// headUnknown: a head the connection cannot delimit for certain;
	// net/http gets the connection for good.
	headUnknown
	// headDelimited: a request of known length (head and body) for
	// net/http.
	headDelimited
	// headOffered: a request that may be offered to the Answerer.
	headOffered
)

// head is a parsed request head.
type head struct {
	length int   // bytes of the head, its blank line included
	body   int64 // bytes of body (Content-Length)
	req    Request
}

// parseHead parses the request head at the start of b. names are the
// headers an offered request may carry.
func parseHead(b []byte, names []string, h *head) headKind {
	*h = head{}
	line, rest, cut := cutLine(b)
	if cut != lineOK {
		return cut
	}
	method, target, proto, ok := requestLine(line)
	if !ok {
		return headUnknown
	}
	offered := string(method) == "GET" && string(proto) == "HTTP/1.1" && target[0] == '/'
	h.req.Target = target
	hosts, lengths := 0, 0
	for {
		start := len(b) - len(rest)
		line, rest, cut = cutLine(rest)
		if cut != lineOK {
			return cut
		}
		if len(line) == 0 {
			h.length = start + 2
			break
		}
		name, value, ok := headerLine(line)
		if !ok {
			return headUnknown
		}
		switch {
		case equalFold(name, "Transfer-Encoding"):
			return headUnknown
		case equalFold(name, "Content-Length"):
			n, ok := contentLength(value)
			if lengths++; !ok || lengths > 1 {
				return headUnknown
			}
			h.body = n
			offered = false
		case equalFold(name, "Host"):
			hosts++
			h.req.Host = value
		case !offered:
		case equalFold(name, "Connection"):
			offered = equalFold(value, "keep-alive") && h.req.add("Connection", value)
		default:
			offered = h.req.addKnown(names, name, value)
		}
	}
	if offered && hosts == 1 {
		return headOffered
	}
	return headDelimited
}

// add records a header, unless it is there already or there are too many.
func (r *Request) add(name string, value []byte) bool {
	if _, dup := r.Header(name); dup || r.n == maxFields {
		return false
	}
	r.fields[r.n] = field{name: name, value: value}
	r.n++
	return true
}

// addKnown records a header named in names.
func (r *Request) addKnown(names []string, name, value []byte) bool {
	for _, n := range names {
		if equalFold(name, n) {
			return r.add(n, value)
		}
	}
	return false
}

// What cutLine found: the first two are the head kinds they lead to.
const (
	lineIncomplete = headIncomplete
	lineBare       = headUnknown
	lineOK         = headDelimited
)

// cutLine cuts the line at the start of b, which must end in CRLF: a bare
// LF, which net/http also accepts, is left to net/http.
func cutLine(b []byte) (line, rest []byte, found headKind) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, nil, lineIncomplete
	}
	if i == 0 || b[i-1] != '\r' {
		return nil, nil, lineBare
	}
	return b[:i-1], b[i+1:], lineOK
}

// requestLine splits "METHOD SP target SP HTTP/1.x".
func requestLine(line []byte) (method, target, proto []byte, ok bool) {
	method, rest, ok1 := bytes.Cut(line, []byte{' '})
	target, proto, ok2 := bytes.Cut(rest, []byte{' '})
	if !ok1 || !ok2 || !isToken(method) || len(target) == 0 || !visible(target) {
		return nil, nil, nil, false
	}
	if string(proto) != "HTTP/1.1" && string(proto) != "HTTP/1.0" {
		return nil, nil, nil, false
	}
	return method, target, proto, true
}

// headerLine splits "name: value", the value trimmed of spaces and tabs as
// net/http trims it. A value with a control character, which net/http
// refuses (400), or a folded line, is not one of ours.
func headerLine(line []byte) (name, value []byte, ok bool) {
	name, value, ok = bytes.Cut(line, []byte{':'})
	if !ok || !isToken(name) {
		return nil, nil, false
	}
	value = bytes.Trim(value, " \t")
	for _, c := range value {
		if c < ' ' && c != '\t' || c == 0x7f {
			return nil, nil, false
		}
	}
	return name, value, true
}

// contentLength parses a Content-Length: digits only, as net/http
// requires, and small enough to count.
func contentLength(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// isToken reports whether b is a non-empty RFC 9110 token.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c >= 0x80 || !tokenChar[c] {
			return false
		}
	}
	return true
}

var tokenChar = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// visible reports whether b holds only visible ASCII (a request-target).
func visible(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// equalFold is ASCII case-insensitive equality.
func equalFold[S string | []byte](b []byte, s S) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
