package onewrite_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStandardLibraryOnly keeps the listener free of other modules and of the
// rest of this module (doc.go).
func TestStandardLibraryOnly(t *testing.T) {
	const self = "github.com/hcpcs-server/hcpcs-server/internal/onewrite"
	out, err := exec.Command("go", "list", "-deps", self).CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, self)
	require.Contains(t, deps, "net", "go list -deps lists the standard library too")
	for _, dep := range deps {
		if dep == self {
			continue
		}
		first, _, _ := strings.Cut(dep, "/")
		require.NotContains(t, first, ".", "onewrite depends on %s, which is not in the standard library", dep)
		require.False(t, strings.HasPrefix(dep, "github.com/hcpcs-server/"), "onewrite depends on %s, another package of this module", dep)
	}
}
