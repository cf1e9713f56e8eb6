package connfront

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var testHeaders = []string{"Accept", "Accept-Encoding", "User-Agent", "X-Request-Id"}

func TestParseHead(t *testing.T) {
	const get = "GET /fhir/x?a=1 HTTP/1.1\r\nHost: h.test\r\n"
	cases := []struct {
		name   string
		in     string
		kind   headKind
		body   int64 // Content-Length
		fields map[string]string
	}{
		{"a plain GET", get + "\r\n", headOffered, 0, map[string]string{}},
		{"known headers, trimmed as net/http trims", get + "accept:  application/fhir+json \t\r\nUser-Agent: curl/8\r\n\r\nGET /next",
			headOffered, 0, map[string]string{"Accept": "application/fhir+json", "User-Agent": "curl/8"}},
		{"an empty value", get + "Accept:\r\n\r\n", headOffered, 0, map[string]string{"Accept": ""}},
		{"keep-alive", get + "Connection: Keep-Alive\r\n\r\n", headOffered, 0, map[string]string{"Connection": "Keep-Alive"}},
		{"obs-text in a value", get + "User-Agent: caf\xc3\xa9\r\n\r\n", headOffered, 0, map[string]string{"User-Agent": "caf\xc3\xa9"}},
		{"incomplete request line", "GET /fhir/x HTTP/1.1", headIncomplete, 0, nil},
		{"incomplete headers", get + "Accept: x\r\n", headIncomplete, 0, nil},
		{"incomplete blank line", get + "\r", headIncomplete, 0, nil},
		{"empty", "", headIncomplete, 0, nil},
		{"Connection: close", get + "Connection: close\r\n\r\n", headDelimited, 0, nil},
		{"an unknown header", get + "If-None-Match: x\r\n\r\n", headDelimited, 0, nil},
		{"a repeated header", get + "Accept: a\r\nAccept: b\r\n\r\n", headDelimited, 0, nil},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", headDelimited, 0, nil},
		{"two Hosts", get + "Host: h.test\r\n\r\n", headDelimited, 0, nil},
		{"HTTP/1.0", "GET / HTTP/1.0\r\nHost: h\r\n\r\n", headDelimited, 0, nil},
		{"HEAD", "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n", headDelimited, 0, nil},
		{"absolute-form target", "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", headDelimited, 0, nil},
		{"a body", "POST /fhir/x HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n", headDelimited, 12, nil},
		{"a GET with Content-Length: 0", get + "Content-Length: 0\r\n\r\n", headDelimited, 0, nil},
		{"Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", headUnknown, 0, nil},
		{"two Content-Lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", headUnknown, 0, nil},
		{"a signed Content-Length", "POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n", headUnknown, 0, nil},
		{"a huge Content-Length", "POST / HTTP/1.1\r\nContent-Length: 1234567890123456789\r\n\r\n", headUnknown, 0, nil},
		{"a bare LF", "GET / HTTP/1.1\nHost: h\n\n", headUnknown, 0, nil},
		{"a bare LF among headers", get + "Accept: x\n\r\n", headUnknown, 0, nil},
		{"a blank bare LF", get + "\n", headUnknown, 0, nil},
		{"a leading CRLF", "\r\n" + get + "\r\n", headUnknown, 0, nil},
		{"a folded line", get + "Accept: a\r\n b\r\n\r\n", headUnknown, 0, nil},
		{"a space before the colon", get + "Accept : a\r\n\r\n", headUnknown, 0, nil},
		{"no colon", get + "Accept a\r\n\r\n", headUnknown, 0, nil},
		{"a control character in a value", get + "User-Agent: a\x01b\r\n\r\n", headUnknown, 0, nil},
		{"DEL in a value", get + "User-Agent: a\x7fb\r\n\r\n", headUnknown, 0, nil},
		{"a CR in a value", get + "User-Agent: a\rb\r\n\r\n", headUnknown, 0, nil},
		{"HTTP/2's preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", headUnknown, 0, nil},
		{"a space in the target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", headUnknown, 0, nil},
		{"a lower-case protocol", "GET / http/1.1\r\nHost: h\r\n\r\n", headUnknown, 0, nil},
		{"a method that is no token", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", headUnknown, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var h head
			kind := parseHead([]byte(tc.in), testHeaders, &h)
			require.Equal(t, tc.kind, kind)
			if kind != headDelimited && kind != headOffered {
				return
			}
			require.Equal(t, strings.Index(tc.in, "\r\n\r\n")+4, h.length)
			require.Equal(t, tc.body, h.body)
			if tc.fields != nil {
				got := map[string]string{}
				for _, f := range h.req.fields[:h.req.n] {
					got[f.name] = string(f.value)
				}
				require.Equal(t, tc.fields, got)
				require.Equal(t, "h.test", string(h.req.Host))
				require.Equal(t, "/fhir/x?a=1", string(h.req.Target))
			}
		})
	}
}

// TestParseHeadBoundsFields: a request with more known headers than a
// Request holds is not offered.
func TestParseHeadBoundsFields(t *testing.T) {
	var names []string
	var in strings.Builder
	in.WriteString("GET / HTTP/1.1\r\nHost: h\r\n")
	for i := range maxFields + 1 {
		name := "X-H" + string(rune('a'+i))
		names = append(names, name)
		in.WriteString(name + ": v\r\n")
	}
	in.WriteString("\r\n")
	var h head
	require.Equal(t, headDelimited, parseHead([]byte(in.String()), names, &h))
	require.Equal(t, headOffered, parseHead([]byte(strings.Replace(in.String(), "X-Ha: v\r\n", "", 1)), names, &h))
}

// FuzzParseHead holds the parser to net/http's reading of the same bytes
// (net/http.ReadRequest, which the server uses): a head the connection
// delimits is the head net/http reads, with the same body length, and an
// offered one is a bodiless HTTP/1.1 GET with the same target, Host and
// header values, and no other header.
func FuzzParseHead(f *testing.F) {
	for _, s := range []string{
		"GET /fhir/x?a=1 HTTP/1.1\r\nHost: h.test\r\nAccept:  a/b \r\nUser-Agent: u\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n",
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nX-Request-Id: \t7\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"GET / HTTP/1.1\nHost: h\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var h head
		kind := parseHead(b, testHeaders, &h)
		if kind != headDelimited && kind != headOffered {
			return
		}
		require.LessOrEqual(t, h.length, len(b))
		br := bufio.NewReaderSize(bytes.NewReader(b), len(b)+16)
		r, err := http.ReadRequest(br)
		if err != nil {
			// net/http refuses it (and the server answers 400 and closes):
			// never a request the connection may answer.
			require.Equal(t, headDelimited, kind, "net/http refuses an offered head: %v", err)
			return
		}
		require.Equal(t, len(b)-h.length, br.Buffered(), "the head net/http reads ends where the connection's does")
		if r.ContentLength > 0 || h.body > 0 {
			require.Equal(t, h.body, r.ContentLength)
		}
		if kind != headOffered {
			return
		}
		require.Equal(t, http.MethodGet, r.Method)
		require.Equal(t, "HTTP/1.1", r.Proto)
		require.Zero(t, r.ContentLength)
		require.Nil(t, r.TransferEncoding)
		require.False(t, r.Close)
		require.Equal(t, string(h.req.Target), r.RequestURI)
		require.Equal(t, string(h.req.Host), r.Host)
		for name, values := range r.Header {
			if name == "Host" {
				continue
			}
			require.Len(t, values, 1, name)
			v, ok := h.req.Header(name)
			require.True(t, ok, "net/http reads %s, the connection does not", name)
			require.Equal(t, values[0], string(v), name)
		}
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		require.Empty(t, body)
	})
}

func TestDefaultMaxHeaderBytes(t *testing.T) {
	require.Equal(t, http.DefaultMaxHeaderBytes, defaultMaxHeaderBytes)
}
