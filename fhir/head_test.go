package fhir_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHead: HEAD on readable resources answers like GET, without a body.
func TestHead(t *testing.T) {
	for _, path := range []string{"/fhir/metadata", "/fhir/CodeSystem/hcpcs-2025-10", "/fhir/CodeSystem?_summary=count", "/fhir/ValueSet/hcpcs-all"} {
		t.Run(path, func(t *testing.T) {
			get := doRequest(t, http.MethodGet, path, "", nil)
			head := doRequest(t, http.MethodHead, path, "", nil)
			require.Equal(t, http.StatusOK, head.Code)
			require.Equal(t, get.Header().Get("Content-Type"), head.Header().Get("Content-Type"))
			require.Equal(t, get.Header().Get("ETag"), head.Header().Get("ETag"))
		})
	}
	require.Equal(t, http.StatusNotFound, doRequest(t, http.MethodHead, "/fhir/CodeSystem/hcpcs-1999-01", "", nil).Code)
}
