package fhirxml_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// bigCodeSystem is a CodeSystem of n concepts, each with a display and a
// property, with the members of the resource out of order around them.
func bigCodeSystem(n int, lastConcept string) []byte {
	var b strings.Builder
	b.WriteString(`{"resourceType":"CodeSystem","concept":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"property":[{"code":"p","valueString":"v%d"}],"code":"C%05d","display":"Concept %d with a \"quoted\" & long display, %s"}`,
			i, i, i, strings.Repeat("x", 100))
	}
	b.WriteString(lastConcept)
	b.WriteString(`],"status":"active","url":"http://example.org/cs","content":"complete"}`)
	return []byte(b.String())
}

// TestAppendXMLStreaming: the chunks handed over, in order, are the XML
// AppendXML writes (less what dst held), each of at least StreamChunk bytes
// but the last, and none is written into once handed over.
func TestAppendXMLStreaming(t *testing.T) {
	src := bigCodeSystem(5000, "")
	want, err := fhirxml.AppendXML(nil, src)
	require.NoError(t, err)

	var chunks, copies [][]byte
	got, err := fhirxml.AppendXMLStreaming([]byte("kept"), src, func(c []byte) {
		chunks = append(chunks, c)
		copies = append(copies, bytes.Clone(c))
	})
	require.NoError(t, err)
	require.Equal(t, "kept"+string(want), string(got))
	require.Greater(t, len(chunks), 3, "%d bytes of XML", len(want))
	for i, c := range chunks[:len(chunks)-1] {
		require.GreaterOrEqual(t, len(c), fhirxml.StreamChunk, "chunk %d", i)
	}
	require.Equal(t, want, bytes.Join(chunks, nil))
	for i := range chunks {
		require.Equal(t, copies[i], chunks[i], "chunk %d changed after it was handed over", i)
	}
}

// TestAppendXMLStreamingSmall: a resource smaller than a chunk is handed
// over once, whole; one that cannot be converted returns dst as given.
func TestAppendXMLStreamingSmall(t *testing.T) {
	src := []byte(codecCases[0].json)
	var chunks [][]byte
	got, err := fhirxml.AppendXMLStreaming(nil, src, func(c []byte) { chunks = append(chunks, c) })
	require.NoError(t, err)
	require.Equal(t, [][]byte{got}, chunks)

	bad := bigCodeSystem(5000, `,{"code":"x","bogus":1}`)
	got, err = fhirxml.AppendXMLStreaming([]byte("kept"), bad, func([]byte) {})
	require.ErrorContains(t, err, `CodeSystem.concept[5000]: unknown element "bogus"`)
	require.Equal(t, "kept", string(got))
}
