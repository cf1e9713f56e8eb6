package fhir

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"
)

// FuzzBatchRequests feeds arbitrary batches to the batch reader: it must
// never panic, every rejection (of the batch or of one validation) must be
// a 4xx request error, and every validation read must hold its own
// parameters and none of the batch's validations or tx-resources.
func FuzzBatchRequests(f *testing.F) {
	for _, seed := range []string{
		`{"resourceType":"Parameters","parameter":[{"name":"url","valueUri":"http://x"},{"name":"validation","resource":{"resourceType":"Parameters","parameter":[{"name":"code","valueCode":"a"}]}}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"tx-resource","resource":{"resourceType":"ValueSet"}},{"name":"validation","resource":{"resourceType":"Parameters","parameter":[{"name":"url","valueUri":"y"},{"name":"tx-resource","resource":{}}]}}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"validation","resource":{"resourceType":"Parameters","parameter":[{"valueCode":"a"}]}}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"validation","resource":{"resourceType":"Patient"}}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"validation","resource":[]}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"validation","valueString":"x"}]}`,
		`{"resourceType":"Parameters"}`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	s := NewServer(Config{MaxBatch: 8})
	is4xx := func(err error) bool {
		var re *requestError
		return errors.As(err, &re) && re.status >= 400 && re.status <= 499
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/fhir/ValueSet/$batch-validate-code", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/fhir+json")
		p, err := readParams(req, maxBodyBytes)
		if err != nil {
			if !is4xx(err) {
				t.Fatalf("body rejection is not a 4xx request error: %v", err)
			}
			return
		}
		requests, err := s.batchRequests(p)
		if err != nil {
			if !is4xx(err) {
				t.Fatalf("batch rejection is not a 4xx request error: %v", err)
			}
			return
		}
		if len(requests) == 0 || len(requests) > 8 {
			t.Fatalf("accepted a batch of %d validations", len(requests))
		}
		parts := p.all("validation")
		for i, r := range requests {
			if r.err != nil {
				if !is4xx(r.err) {
					t.Fatalf("validation %d: rejection is not a 4xx request error: %v", i, r.err)
				}
				continue
			}
			own, err := decodeParameters(parts[i].raw, "")
			if err != nil {
				t.Fatalf("validation %d was read, but does not decode: %v", i, err)
			}
			count := func(list []param) (n int) {
				for _, x := range list {
					if x.name == "validation" || x.name == "tx-resource" {
						n++
					}
				}
				return n
			}
			if count(r.p.list) != count(own) {
				t.Fatalf("validation %d inherited the batch's validations or tx-resources: %q", i, body)
			}
		}
	})
}
