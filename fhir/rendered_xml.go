package fhir

import (
	"bytes"
	"compress/gzip"
	"io"
	"sync"
	"sync/atomic"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// keptXML is the FHIR XML of a kept rendering, made on the first XML read
// (converting 15.6 MB of JSON costs about 120 ms, which every XML read
// would otherwise pay) and kept as the JSON is: gzip'd only (about 1 MB
// for a release), and decompressed as it is sent to a client that does not
// take gzip. Only the renderings read in XML pay for it.
type keptXML struct {
	once sync.Once
	done atomic.Bool // converted without error
	gzip []byte
	size int // bytes of the identity form
	etag string
	err  error
}

// asXML returns the XML form of r, converting its JSON (identity gives it)
// once.
func (r *rendered) asXML(identity func(*rendered) ([]byte, error)) (*keptXML, error) {
	k := &r.xmlForm
	k.once.Do(func() {
		json, err := identity(r)
		if err != nil {
			k.err = err
			return
		}
		xml, err := fhirxml.AppendXML(nil, json)
		if err != nil {
			k.err = err
			return
		}
		gz := bytes.NewBuffer(make([]byte, 0, len(xml)/16+512))
		w, _ := gzip.NewWriterLevel(gz, gzip.BestSpeed)
		_, _ = w.Write(xml)
		_ = w.Close()
		k.gzip, k.size, k.etag = bytes.Clone(gz.Bytes()), len(xml), xmlETag(r.etag)
		k.done.Store(true)
	})
	return k, k.err
}

// inflate returns a reader of the XML's identity form.
func (k *keptXML) inflate() (io.Reader, error) {
	return gzip.NewReader(bytes.NewReader(k.gzip))
}
