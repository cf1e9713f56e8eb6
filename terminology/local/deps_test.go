package local

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDependencies keeps the package to the standard library and the
// engine (doc.go, "Dependencies").
func TestDependencies(t *testing.T) {
	const self = "github.com/hcpcs-server/hcpcs-server/terminology/local"
	const engine = "github.com/hcpcs-server/hcpcs-server/terminology/valueset"
	out, err := exec.Command("go", "list", "-deps", self).CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, self)
	require.Contains(t, deps, engine)
	for _, dep := range deps {
		if dep == self || dep == engine {
			continue
		}
		first, _, _ := strings.Cut(dep, "/")
		require.NotContains(t, first, ".", "local depends on %s, which is neither the standard library nor valueset", dep)
	}
}
