package cmsreport_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDependencies keeps the reader a reader of CMS's files: no transport,
// storage or FHIR models, and not the terminology package it is checked
// against (that is for its tests only).
func TestDependencies(t *testing.T) {
	forbidden := map[string]string{
		"github.com/gin-gonic/gin":                         "transport belongs to fhir/",
		"github.com/redis/go-redis/v9":                     "caching belongs to cache/",
		"github.com/samply/golang-fhir-models/fhir-models": "FHIR serialisation belongs to fhir/",
		"github.com/hcpcs-server/hcpcs-server/":            "the reader stands alone; terminology is for its tests",
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/hcpcs-server/hcpcs-server/terminology/cmsreport").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/xuri/excelize/v2", "the list of dependencies is the real one")
	for _, dep := range deps {
		if dep == "github.com/hcpcs-server/hcpcs-server/terminology/cmsreport" {
			continue
		}
		for bad, why := range forbidden {
			if dep == bad || strings.HasPrefix(dep, bad+"/") || strings.HasSuffix(bad, "/") && strings.HasPrefix(dep, bad) {
				t.Errorf("cmsreport imports %s: %s", dep, why)
			}
		}
	}
	direct, err := exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", "github.com/hcpcs-server/hcpcs-server/terminology/cmsreport").CombinedOutput()
	require.NoError(t, err, "%s", direct)
	require.NotContains(t, strings.Fields(string(direct)), "net/http", "the domain must stay transport-free")
}
