package browse_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/hcpcs-server/hcpcs-server/"

// TestBrowseDependencies: browse imports the standard library and the
// domain only (doc.go).
func TestBrowseDependencies(t *testing.T) {
	direct, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, module+"browse").CombinedOutput()
	require.NoError(t, err, "%s", direct)
	imports := strings.Fields(string(direct))
	require.Contains(t, imports, module+"terminology")
	for _, imp := range imports {
		first, _, _ := strings.Cut(imp, "/")
		stdlib := !strings.Contains(first, ".")
		domain := imp == module+"terminology" || strings.HasPrefix(imp, module+"terminology/")
		require.True(t, stdlib || domain, "browse imports %s: only the standard library and the domain are allowed", imp)
	}
	forbidden := map[string]string{
		"github.com/gin-gonic/gin":                         "gin belongs to fhir/; the browser is plain net/http",
		"github.com/redis/go-redis/v9":                     "go-redis belongs to cache/",
		"github.com/samply/golang-fhir-models/fhir-models": "FHIR models belong to fhir/",
		module + "fhir":                                    "the browser talks to the domain, not to the FHIR layer",
		module + "cache":                                   "the browser does not cache",
	}
	deps, err := exec.Command("go", "list", "-deps", module+"browse").CombinedOutput()
	require.NoError(t, err, "%s", deps)
	for _, dep := range strings.Fields(string(deps)) {
		for bad, why := range forbidden {
			require.False(t, dep == bad || strings.HasPrefix(dep, bad+"/"), "browse depends on %s: %s", dep, why)
		}
	}
}
