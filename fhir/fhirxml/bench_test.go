package fhirxml_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// The codec's cost next to JSON's for the same resource: json.Compact (the
// least a JSON write path does with ready bytes) and json.Marshal of the
// resource held as plain values (what rendering the JSON costs).
func benchmarkEncode(b *testing.B, src []byte) {
	var plain any
	if err := json.Unmarshal(src, &plain); err != nil {
		b.Fatal(err)
	}
	b.Run("xml", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		var buf []byte
		for b.Loop() {
			var err error
			if buf, err = fhirxml.AppendXML(buf[:0], src); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(buf))/float64(len(src)), "xml/json-bytes")
	})
	b.Run("json-compact", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := json.Compact(&buf, src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-marshal", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, err := json.Marshal(plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEncodeLookup: a $lookup answer (Parameters) of the 2025-10 release.
func BenchmarkEncodeLookup(b *testing.B) {
	src := serverAnswer(b, "/fhir/CodeSystem/$lookup?system="+url.QueryEscape("http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets")+"&code=E0114")
	benchmarkEncode(b, src)
}

// BenchmarkEncodeFullCodeSystem: the full 2025-10 CodeSystem download.
func BenchmarkEncodeFullCodeSystem(b *testing.B) {
	benchmarkEncode(b, serverAnswer(b, "/fhir/CodeSystem/hcpcs-2025-10"))
}

// BenchmarkDecodeFullCodeSystem: reading the full CodeSystem's XML back,
// next to json.Unmarshal of its JSON into plain values.
func BenchmarkDecodeFullCodeSystem(b *testing.B) {
	src := serverAnswer(b, "/fhir/CodeSystem/hcpcs-2025-10")
	x, err := fhirxml.AppendXML(nil, src)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("xml", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(x)))
		for b.Loop() {
			if _, err := fhirxml.Decode(bytes.NewReader(x)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			var v any
			if err := json.Unmarshal(src, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
