package fhir

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// format is a wire format of FHIR resources.
type format uint8

const (
	formatJSON format = iota
	formatXML
)

func (f format) String() string {
	if f == formatXML {
		return "xml"
	}
	return "json"
}

const (
	fhirJSON = "application/fhir+json; charset=utf-8"
	fhirXML  = "application/fhir+xml; charset=utf-8"
)

// The negotiated format lives in gin's Context.Accepted, the field gin
// keeps for content negotiation (reset per request), as one of these
// slices: assigning a package-level slice costs no allocation, where c.Set
// would make gin's Keys map on every request.
var (
	acceptedJSON = []string{"json"}
	acceptedXML  = []string{"xml"}
)

// formatOf is the format negotiate chose for the request: JSON when it
// has not run (or chose JSON).
func formatOf(c *gin.Context) format {
	if len(c.Accepted) == 1 && c.Accepted[0] == "xml" {
		return formatXML
	}
	return formatJSON
}

func setFormat(c *gin.Context, f format) {
	if f == formatXML {
		c.Accepted = acceptedXML
	} else {
		c.Accepted = acceptedJSON
	}
}

// negotiate is the one content-negotiation point: _format wins over
// Accept, JSON is the default, and anything else is a 406 (in XML when the
// client asked for XML of another FHIR version). It runs before the
// middleware (the response cache keys by its choice) and again, doing
// nothing, at the FHIR routes. Routes outside /fhir (/healthz, /metrics)
// are not negotiated.
func (s *Server) negotiate(c *gin.Context) {
	if p := c.Request.URL.Path; c.Accepted != nil || !strings.HasPrefix(p, "/fhir/") && p != "/fhir" {
		c.Next()
		return
	}
	f, err := negotiateFormat(c.Request)
	setFormat(c, f)
	if err != nil {
		s.fail(c, err)
		c.Abort()
		return
	}
	c.Next()
}

// negotiateFormat reads _format (its first value) or else Accept. On
// error, f is the format the 406 is written in.
func negotiateFormat(r *http.Request) (f format, err error) {
	if raw, ok := rawFormatParam(r.URL.RawQuery); ok {
		v, uerr := url.QueryUnescape(raw)
		if uerr != nil {
			v = raw
		}
		mt, version := splitMediaRange(v)
		f, known := formatNamed(mt)
		if !known {
			return formatJSON, notAcceptable(fmt.Sprintf("_format=%s is not supported: this server answers in FHIR JSON (_format=json) or FHIR XML (_format=xml).", v))
		}
		if !fhirVersionOK(version) {
			return f, notAcceptable(fmt.Sprintf("fhirVersion=%s is not served: this is a FHIR R4 (4.0.1) server.", version))
		}
		return f, nil
	}
	if accept := headerValue(r.Header, "Accept"); accept != "" {
		return acceptedFormat(accept)
	}
	return formatJSON, nil
}

// rawFormatParam finds the first _format pair of a raw query without
// parsing the whole query (gin's c.Query would, allocating).
func rawFormatParam(raw string) (string, bool) {
	for raw != "" {
		var p string
		p, raw, _ = strings.Cut(raw, "&")
		if p == "_format" {
			return "", true
		}
		if v, ok := strings.CutPrefix(p, "_format="); ok {
			return v, true
		}
	}
	return "", false
}

// formatNamed maps a _format value or media type to its format. A '+'
// the query turned into a space (application/fhir json) is read as '+'.
func formatNamed(mt string) (format, bool) {
	switch strings.ToLower(strings.ReplaceAll(mt, " ", "+")) {
	case "json", "application/json", "application/fhir+json", "application/json+fhir":
		return formatJSON, true
	case "xml", "text/xml", "application/xml", "application/fhir+xml", "application/xml+fhir":
		return formatXML, true
	}
	return formatJSON, false
}

// splitMediaRange splits "type/subtype; fhirVersion=4.0" into the media
// type and its fhirVersion, without the allocations of
// mime.ParseMediaType (whose parameter map is made on every call).
func splitMediaRange(v string) (mt, fhirVersion string) {
	mt, params, _ := strings.Cut(v, ";")
	fhirVersion, _ = mediaParams(params)
	return strings.TrimSpace(mt), fhirVersion
}

// mediaParams reads the fhirVersion and q parameters of a media range; q
// is 1 when absent and 0 when it cannot be read.
func mediaParams(params string) (fhirVersion string, q float64) {
	q = 1
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(p, "=")
		name, value = strings.TrimSpace(name), strings.Trim(strings.TrimSpace(value), `"`)
		switch {
		case strings.EqualFold(name, "fhirVersion"):
			fhirVersion = value
		case strings.EqualFold(name, "q"):
			var err error
			if q, err = strconv.ParseFloat(value, 64); err != nil || q < 0 || q > 1 {
				q = 0
			}
		}
	}
	return fhirVersion, q
}

// acceptedFormat reads an Accept header: the format of the highest
// quality a range admits wins, JSON on a tie; a range naming a format
// (application/fhir+xml) counts over a wildcard for that format; */* and
// application/* admit both (so JSON, unless JSON is refused by name),
// text/* XML. A range of another fhirVersion
// admits nothing. Nothing admitted is a 406.
func acceptedFormat(accept string) (format, error) {
	var (
		named        [2]bool    // a range names the format
		namedQ, anyQ [2]float64 // best q of naming ranges and of wildcards
		badVersion   string
		xmlAsked     bool
	)
	for rest := accept; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		mt, params, _ := strings.Cut(part, ";")
		mt = strings.TrimSpace(mt)
		version, q := mediaParams(params)
		f, known := formatNamed(mt)
		if known && strings.Contains(mt, "/") { // json and xml are _format words, not media types
			if f == formatXML {
				xmlAsked = true
			}
			if !fhirVersionOK(version) {
				badVersion = version
				continue
			}
			named[f] = true
			namedQ[f] = max(namedQ[f], q)
			continue
		}
		if !fhirVersionOK(version) {
			badVersion = version
			continue
		}
		switch strings.ToLower(mt) {
		case "*/*", "application/*":
			anyQ[formatJSON] = max(anyQ[formatJSON], q)
			anyQ[formatXML] = max(anyQ[formatXML], q)
		case "text/*":
			anyQ[formatXML] = max(anyQ[formatXML], q)
		}
	}
	var qs [2]float64
	for f := range qs {
		if named[f] {
			qs[f] = namedQ[f]
		} else {
			qs[f] = anyQ[f]
		}
	}
	switch {
	case qs[formatJSON] > 0 && qs[formatJSON] >= qs[formatXML]:
		return formatJSON, nil
	case qs[formatXML] > 0:
		return formatXML, nil
	}
	f := formatJSON
	if xmlAsked {
		f = formatXML
	}
	if badVersion != "" {
		return f, notAcceptable(fmt.Sprintf("fhirVersion=%s is not served: this is a FHIR R4 (4.0.1) server.", badVersion))
	}
	return f, notAcceptable(fmt.Sprintf("Accept: %s cannot be served: this server answers in FHIR JSON (application/fhir+json) or FHIR XML (application/fhir+xml).", accept))
}

func notAcceptable(text string) error {
	return newRequestError(http.StatusNotAcceptable, "not-supported", "", "", text)
}

// fhirVersionOK accepts no fhirVersion, or R4.
func fhirVersionOK(v string) bool {
	return v == "" || v == "4.0" || v == "4.0.1"
}

// formatETag is the ETag of a representation in the negotiated format,
// from the ETag of its JSON: an XML answer is another representation, and
// must not match the JSON one's validator.
func formatETag(c *gin.Context, jsonETag string) string {
	if formatOf(c) != formatXML {
		return jsonETag
	}
	return xmlETag(jsonETag)
}

// xmlETag is the ETag of the XML representation whose JSON has jsonETag.
func xmlETag(jsonETag string) string {
	if strings.HasSuffix(jsonETag, `"`) {
		return jsonETag[:len(jsonETag)-1] + `-xml"`
	}
	return jsonETag + "-xml"
}
