package testenv

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageDocs requires exactly one file with a package comment in each
// of the repository's packages, and a doc.go for the three main ones.
func TestPackageDocs(t *testing.T) {
	root := RepoRoot(t)
	for _, dir := range []string{"terminology", "fhir", "cache", "cmd/hcpcs-server", "internal/testenv", "internal/ratelog", "cache/redistest"} {
		path := filepath.Join(root, dir)
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("package %s: %v", dir, err)
		}
		files, err := filepath.Glob(filepath.Join(path, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		var withDoc []string
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if f.Doc != nil {
				withDoc = append(withDoc, filepath.Base(name))
			}
		}
		if len(withDoc) != 1 {
			t.Errorf("%s: want exactly one file with a package doc, have %v", dir, withDoc)
		}
		if dir == "terminology" || dir == "fhir" || dir == "cache" {
			if len(withDoc) == 1 && withDoc[0] != "doc.go" {
				t.Errorf("%s: the package doc belongs in doc.go, not %s", dir, withDoc[0])
			}
		}
	}
}
