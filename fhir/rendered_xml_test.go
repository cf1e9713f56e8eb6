package fhir

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// TestConvertAndGzip: the gzip made while converting, from the chunks of a
// CodeSystem large enough to come in many, holds exactly the XML returned,
// which is AppendXML's; a conversion error is returned as such.
func TestConvertAndGzip(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"resourceType":"CodeSystem","status":"active","content":"complete","concept":[`)
	for i := range 8000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"code":"C%05d","display":"Concept %d, %s"}`, i, i, strings.Repeat("y", 120))
	}
	b.WriteString(`]}`)
	json := []byte(b.String())
	want, err := fhirxml.AppendXML(nil, json)
	require.NoError(t, err)
	require.Greater(t, len(want), 4*fhirxml.StreamChunk)

	xml, gz, err := convertAndGzip(nil, json)
	require.NoError(t, err)
	require.Equal(t, want, xml)
	require.Equal(t, want, gunzipped(t, gz))

	_, _, err = convertAndGzip(nil, []byte(`{"resourceType":"CodeSystem","concept":[{"code":"a","bogus":1}]}`))
	require.ErrorContains(t, err, "bogus")
}
