package browse

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// ContentSecurityPolicy is sent with every page: scripts, styles and images
// come from this server's own files only, so no inline script or style
// runs, and the only requests a page makes are to this origin.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

//go:embed templates/*.html
var templateFS embed.FS

// Options configure the browser.
type Options struct {
	// FHIRBase is the path of the FHIR API the pages link to and the
	// search page's script calls; "" is /fhir.
	FHIRBase string
	// Logger receives the errors a person sees only as "internal error";
	// nil discards them.
	Logger *slog.Logger
}

// Handler serves the browser's routes: /, /browse and /browse/….
type Handler struct {
	snapshot func() *terminology.Snapshot
	fhirBase string
	log      *slog.Logger
	pages    map[string]*template.Template
	mux      *http.ServeMux
}

// New returns the browser over the snapshot that snapshot returns, asked
// once per request, so that a reload in the middle of a request cannot mix
// two data sets.
func New(snapshot func() *terminology.Snapshot, opts Options) *Handler {
	h := &Handler{snapshot: snapshot, fhirBase: strings.TrimSuffix(opts.FHIRBase, "/"), log: opts.Logger}
	if h.fhirBase == "" {
		h.fhirBase = "/fhir"
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.pages = map[string]*template.Template{}
	for _, name := range []string{"search", "code", "release", "error"} {
		h.pages[name] = template.Must(template.New("layout.html").Funcs(templateFuncs).
			ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, withQuery("/browse", r.URL.RawQuery), http.StatusFound)
	})
	h.mux.HandleFunc("/browse", h.wrap(h.search))
	h.mux.HandleFunc("/browse/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, withQuery("/browse", r.URL.RawQuery), http.StatusMovedPermanently)
	})
	h.mux.HandleFunc("/browse/code/{code}", h.wrap(h.code))
	h.mux.HandleFunc("/browse/release/{version}", h.wrap(h.release))
	h.mux.HandleFunc("/browse/assets/{file}", h.serveAsset)
	h.mux.HandleFunc("/browse/", h.wrap(func(*http.Request) (string, any, error) {
		return "", nil, notFound("There is no page here. The browser's pages are /browse (search), /browse/code/{code} and /browse/release/{version}.")
	}))
	return h
}

var templateFuncs = template.FuncMap{"join": strings.Join}

// Owns reports whether a path is the browser's: "/", "/browse" and
// everything under "/browse/". Everything else belongs to the FHIR engine.
func Owns(path string) bool {
	return path == "/" || path == "/browse" || strings.HasPrefix(path, "/browse/")
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.writeError(w, r, &httpError{status: http.StatusMethodNotAllowed,
			msg: fmt.Sprintf("The browser's pages are read with GET; %s is not allowed here.", r.Method)})
		return
	}
	h.mux.ServeHTTP(w, r)
}

// httpError is an error a person sees, with its status.
type httpError struct {
	status int
	msg    string
	links  []link // where to go instead
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf(format, args...)}
}

// link is an anchor a page shows.
type link struct {
	Href, Text string
}

// pageFunc builds a page: the template's name and its data, or an error.
type pageFunc func(r *http.Request) (name string, data any, err error)

// layout is what every page's frame needs.
type layout struct {
	Title    string
	FHIRBase string
	Latest   string
	CSS, JS  string // asset URLs, versioned by content
	Script   bool   // whether the page loads the search script
	Page     any
}

func (h *Handler) wrap(f pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, data, err := f(r)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		h.render(w, r, http.StatusOK, name, data)
	}
}

// titled lets a page give its <title>.
type titled interface{ title() string }

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	l := layout{FHIRBase: h.fhirBase, Latest: h.snapshot().Latest().Version, CSS: assetURL("browse.css"), JS: assetURL("browse.js"),
		Script: name == "search", Page: data}
	if t, ok := data.(titled); ok {
		l.Title = t.title()
	}
	var buf bytes.Buffer
	if err := h.pages[name].Execute(&buf, l); err != nil {
		h.log.Error("browse: rendering a page failed", "page", name, "path", r.URL.Path, "err", err)
		if name != "error" {
			h.writeError(w, r, errors.New("rendering failed"))
			return
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// A reload changes what a page shows: always revalidate.
	hdr.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// errorPage is the data of the error template.
type errorPage struct {
	Status  int
	Heading string
	Message string
	Links   []link
}

func (p errorPage) title() string { return p.Heading }

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		h.log.Error("browse: internal error", "path", r.URL.Path, "err", err)
		he = &httpError{status: http.StatusInternalServerError, msg: "Something went wrong on the server; the error is logged."}
	}
	h.render(w, r, he.status, "error", errorPage{Status: he.status, Heading: fmt.Sprintf("%d %s", he.status, http.StatusText(he.status)),
		Message: he.msg, Links: he.links})
}

func withQuery(path, rawQuery string) string {
	if rawQuery == "" {
		return path
	}
	return path + "?" + rawQuery
}

// assets holds the embedded static files.
//
//go:embed assets
var assetFS embed.FS

var assets = func() fs.FS {
	sub, err := fs.Sub(assetFS, "assets")
	if err != nil {
		panic(err)
	}
	return sub
}()
