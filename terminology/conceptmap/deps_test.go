package conceptmap_test

import (
	"testing"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// TestStandardLibraryOnly keeps the model free of other modules and of the
// rest of this module (doc.go, "Dependencies").
func TestStandardLibraryOnly(t *testing.T) {
	testenv.StandardLibraryOnly(t, "github.com/hcpcs-server/hcpcs-server/terminology/conceptmap", "strings")
}
