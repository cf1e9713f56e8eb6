package valueset_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStandardLibraryOnly keeps the engine free of other modules and of
// the rest of this module (doc.go, "Dependencies").
func TestStandardLibraryOnly(t *testing.T) {
	const self = "github.com/hcpcs-server/hcpcs-server/terminology/valueset"
	out, err := exec.Command("go", "list", "-deps", self).CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, self)
	require.Contains(t, deps, "regexp", "go list -deps lists the standard library too")
	for _, dep := range deps {
		if dep == self {
			continue
		}
		first, _, _ := strings.Cut(dep, "/")
		if strings.Contains(first, ".") {
			t.Errorf("valueset depends on %s, which is not in the standard library", dep)
		}
		if strings.HasPrefix(dep, "github.com/hcpcs-server/") {
			t.Errorf("valueset depends on %s, another package of this module", dep)
		}
	}
}
