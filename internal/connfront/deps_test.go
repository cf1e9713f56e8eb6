package connfront_test

import (
	"testing"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// TestStandardLibraryOnly keeps the listener free of other modules and of the
// rest of this module (doc.go).
func TestStandardLibraryOnly(t *testing.T) {
	testenv.StandardLibraryOnly(t, "github.com/hcpcs-server/hcpcs-server/internal/connfront", "net")
}
