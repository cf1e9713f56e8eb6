package terminology_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDomainDependencies keeps the domain free of transport and storage:
// the fhir package owns gin and samply, the cache package owns go-redis.
func TestDomainDependencies(t *testing.T) {
	forbidden := map[string]string{
		"github.com/gin-gonic/gin":                         "the domain must stay transport-free; gin belongs to fhir/",
		"github.com/redis/go-redis/v9":                     "the domain must not know about caching; go-redis belongs to cache/",
		"github.com/samply/golang-fhir-models/fhir-models": "FHIR serialisation belongs to fhir/",
		"github.com/hcpcs-server/hcpcs-server/fhir":        "the domain must not depend on its consumers",
		"github.com/hcpcs-server/hcpcs-server/cache":       "the domain must not depend on its consumers",
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/hcpcs-server/hcpcs-server/terminology").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.NotEmpty(t, deps)
	// excelize pulls in net/http for itself; the domain must not use it directly.
	direct, err := exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", "github.com/hcpcs-server/hcpcs-server/terminology").CombinedOutput()
	require.NoError(t, err, "%s", direct)
	require.NotContains(t, strings.Fields(string(direct)), "net/http", "the domain must stay transport-free")
	for _, dep := range deps {
		for bad, why := range forbidden {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("terminology imports %s: %s", dep, why)
			}
		}
	}
}
