package terminology

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

var (
	// HCPC2025_OCT_ANWEB.xlsx, HCPC2023_JAN_ANWEB_v3.xlsx, HCPC17_CONTR_ANWEB.txt,
	// HCPC2020_ANWEB_w_disclaimer.txt: a year, then maybe a month word.
	hcpcName = regexp.MustCompile(`(?i)^HCPCS?(\d{4}|\d{2})(?:_([a-z]+))?(?:[^0-9a-z]|$)`)
	// october-2025-alpha-numeric-hcpcs-file.zip, 2017-Alpha-Numeric-HCPCS-File.zip.
	cmsZipName = regexp.MustCompile(`(?i)^(?:([a-z]+)[-_ ])?(\d{4})[-_ ]alpha[-_ ]?numeric[-_ ]hcpcs`)
	// 2020-04_quarterly, 2020-04.
	folderName = regexp.MustCompile(`^(\d{4})-(\d{2})(?:[_\- .]|$)`)
)

var months = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
	"nov": 11, "november": 11, "dec": 12, "december": 12,
}

// VersionFromName derives a release version (YYYY-MM) from a source's path.
//
// The file name is tried first:
//
//	HCPC2025_OCT_ANWEB.xlsx, HCPC2023_JAN_ANWEB_v3.xlsx   → 2025-10, 2023-01
//	HCPC17_CONTR_ANWEB.txt, HCPC2020_ANWEB_w_disclaimer.txt → 2017-01, 2020-01 (annual files)
//	october-2025-alpha-numeric-hcpcs-file.zip          → 2025-10
//	2017-Alpha-Numeric-HCPCS-File.zip                  → 2017-01
//
// When the name says nothing (anweb.xlsx), the nearest enclosing folder
// named YYYY-MM, optionally followed by "_" and anything (2020-04_quarterly),
// gives the version. The name wins over the folder. ok is false when
// neither tells.
func VersionFromName(path string) (version string, ok bool) {
	if v, ok := versionFromBase(filepath.Base(path)); ok {
		return v, true
	}
	return versionFromFolders(filepath.Dir(path))
}

// versionFromBase reads the version from a file name alone.
func versionFromBase(base string) (string, bool) {
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	if m := hcpcName.FindStringSubmatch(stem); m != nil {
		year := m[1]
		if len(year) == 2 {
			year = "20" + year
		}
		month := 1 // an annual file: no month word (CONTR, ANWEB, ...)
		if mo, ok := months[strings.ToLower(m[2])]; ok {
			month = mo
		}
		return makeVersion(year, month)
	}
	if m := cmsZipName.FindStringSubmatch(stem); m != nil {
		month := 1
		if m[1] != "" {
			mo, ok := months[strings.ToLower(m[1])]
			if !ok {
				return "", false
			}
			month = mo
		}
		return makeVersion(m[2], month)
	}
	return "", false
}

// versionFromFolders walks up from dir to the first folder named YYYY-MM.
func versionFromFolders(dir string) (string, bool) {
	for {
		if m := folderName.FindStringSubmatch(filepath.Base(dir)); m != nil {
			mo, _ := strconv.Atoi(m[2])
			if v, ok := makeVersion(m[1], mo); ok {
				return v, true
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func makeVersion(year string, month int) (string, bool) {
	v := fmt.Sprintf("%s-%02d", year, month)
	if _, err := ParseVersion(v); err != nil {
		return "", false
	}
	return v, true
}
