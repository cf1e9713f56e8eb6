package fhir

import (
	"bytes"
	"compress/gzip"
	"sync"
	"sync/atomic"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// keptXML is the FHIR XML of a kept rendering: converted from its JSON on
// the first XML read (120 ms for a release, which would otherwise be paid
// by every XML read), then served like the JSON. Only the renderings read
// in XML pay its memory (about 1.3 times the JSON, plus the gzip).
type keptXML struct {
	once      sync.Once
	done      atomic.Bool // converted without error
	xml, gzip []byte
	etag      string
	err       error
}

// asXML returns the XML form of r, converting it once.
func (r *rendered) asXML() (*keptXML, error) {
	k := &r.xmlForm
	k.once.Do(func() {
		k.xml, k.err = fhirxml.AppendXML(nil, r.json)
		if k.err != nil {
			return
		}
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		_, _ = w.Write(k.xml)
		_ = w.Close()
		k.gzip, k.etag = gz.Bytes(), xmlETag(r.etag)
		k.done.Store(true)
	})
	return k, k.err
}
