package fhir

import (
	"bytes"
	"compress/gzip"
	"sync"
	"sync/atomic"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// keptXML is the FHIR XML of a kept rendering, made on the first XML read
// (converting 15.6 MB of JSON costs about 80 ms, which every XML read
// would otherwise pay) and then kept as the JSON is: gzip'd for good, and
// uncompressed within the XML identity budget (the latest release by
// default), else decompressed as it is sent. Only the renderings read in
// XML pay for it.
type keptXML struct {
	once sync.Once
	done atomic.Bool // converted without error
	r    *rendered   // the XML rendering: gzip, size, ETag (the JSON's, marked), rank
	err  error
}

// DefaultKeptXMLIdentityBytes is the budget of uncompressed XML renderings
// kept (Config.KeptXMLIdentityBytes): the latest release (20.7 MB for
// 2025-10), spent only once it is read in XML.
const DefaultKeptXMLIdentityBytes = 24 << 20

// asXML returns the XML rendering of r, converting its JSON (identity gives
// it) once; the XML just made is offered to the XML identity cache.
func (r *rendered) asXML(identity func(*rendered) ([]byte, error), keep *identityCache) (*rendered, error) {
	k := &r.xmlForm
	k.once.Do(func() {
		json, err := identity(r)
		if err != nil {
			k.err = err
			return
		}
		// The XML is about 1.32 times the JSON: a buffer of that size is
		// not grown, and not copied again when it is kept.
		xml, gz, err := convertAndGzip(make([]byte, 0, len(json)*4/3+4096), json)
		if err != nil {
			k.err = err
			return
		}
		k.r = &rendered{gzip: gz, size: len(xml), etag: xmlETag(r.etag), lastModified: r.lastModified, rank: r.rank}
		keep.put(k.r, xml)
		k.done.Store(true)
	})
	return k.r, k.err
}

// convertAndGzip appends the XML of json to dst and compresses it as
// newRendered does, on another goroutine while the conversion goes on: a
// first XML read waits for about the longer of the two (some 80 and 45 ms
// for the full 2025-10 CodeSystem), not their sum, when a second core is
// free. The work done is the same either way.
func convertAndGzip(dst, json []byte) (xml, gz []byte, err error) {
	chunks := make(chan []byte, 16)
	compressed := make(chan []byte)
	go func() {
		buf := bytes.NewBuffer(make([]byte, 0, len(json)/16+512))
		w, _ := gzip.NewWriterLevel(buf, gzip.BestSpeed)
		for c := range chunks {
			_, _ = w.Write(c)
		}
		_ = w.Close()
		compressed <- bytes.Clone(buf.Bytes())
	}()
	xml, err = fhirxml.AppendXMLStreaming(dst, json, func(chunk []byte) { chunks <- chunk })
	close(chunks)
	gz = <-compressed
	return xml, gz, err
}
