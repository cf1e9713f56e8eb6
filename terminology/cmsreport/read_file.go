package cmsreport

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ReadFile reads a change report by its extension: .prn as fixed-width
// text, .xlsx as a spreadsheet.
func ReadFile(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := filepath.Base(path)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".prn":
		return ReadPRN(f, name)
	case ".xlsx":
		return ReadXLSX(f, name)
	}
	return nil, fmt.Errorf("%s: %w: a change report is .prn or .xlsx", path, ErrMalformed)
}

// Find returns the change reports in a release folder, sorted: the .prn
// files whose name mentions changes ("Changes_by_HCPC.prn",
// "HCPCS2017_Trans Report_ChangesbyHCPC.prn") and the trans_alpha.xlsx
// spreadsheets.
func Find(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		lower := strings.ToLower(e.Name())
		if e.IsDir() {
			continue
		}
		if strings.HasSuffix(lower, ".prn") && strings.Contains(lower, "changes") ||
			strings.HasSuffix(lower, ".xlsx") && strings.HasPrefix(lower, "trans_") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(out)
	return out, nil
}
