package fhirxml_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStandardLibraryOnly: the codec imports no gin, redis or samply, nor
// anything else outside the standard library (doc.go).
func TestStandardLibraryOnly(t *testing.T) {
	const self = "github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
	out, err := exec.Command("go", "list", "-deps", self).CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, self)
	require.Contains(t, deps, "encoding/xml", "go list -deps lists the standard library too")
	for _, dep := range deps {
		first, _, _ := strings.Cut(dep, "/")
		if dep != self && strings.Contains(first, ".") {
			t.Errorf("fhirxml depends on %s, which is not in the standard library", dep)
		}
	}
}
