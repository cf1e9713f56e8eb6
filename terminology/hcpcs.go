package terminology

import "strings"

// SystemURL is the canonical URL of HCPCS Level II (HL7 THO).
const SystemURL = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"

// SystemOID is the HL7 OID of HCPCS Level II.
const SystemOID = "2.16.840.1.113883.6.285"

// systemAliases are URLs that denote HCPCS too: THO lists the https form as a
// non-preferred alternative (US Core 6+ uses it) and US Core 3.1 used the OID.
var systemAliases = []string{
	"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
	"urn:oid:" + SystemOID,
}

// IsHCPCSSystem reports whether url names HCPCS, canonically or by alias.
func IsHCPCSSystem(url string) bool {
	if url == SystemURL {
		return true
	}
	for _, a := range systemAliases {
		if url == a {
			return true
		}
	}
	return false
}

// SystemAliases returns the accepted alternative URLs.
func SystemAliases() []string { return append([]string(nil), systemAliases...) }

// CaseHint returns the code that a wrongly-cased code probably meant: HCPCS
// is case-sensitive, but "e0114" is almost always a typing of "E0114".
func (r *Release) CaseHint(code string) (string, bool) {
	up := strings.ToUpper(code)
	if up == code {
		return "", false
	}
	if _, ok := r.byCode[up]; ok {
		return up, true
	}
	return "", false
}
