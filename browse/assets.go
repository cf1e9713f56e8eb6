package browse

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

// asset is one embedded file, read once, with the hash that versions its
// URL.
type asset struct {
	body        []byte
	hash        string
	contentType string
}

var assetFiles = func() map[string]asset {
	out := map[string]asset{}
	entries, err := fs.ReadDir(assets, ".")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		body, err := fs.ReadFile(assets, e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(body)
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		if ct == "" {
			ct = "application/octet-stream"
		}
		out[e.Name()] = asset{body: body, hash: hex.EncodeToString(sum[:8]), contentType: ct}
	}
	return out
}()

// assetURL is the URL of an embedded file, versioned by its content so
// that it can be cached for good.
func assetURL(name string) string {
	a, ok := assetFiles[name]
	if !ok {
		panic("browse: no asset " + name)
	}
	return "/browse/assets/" + name + "?v=" + a.hash
}

// serveAsset serves an embedded file: cached for a year when the URL
// names its current version, revalidated by ETag otherwise.
func (h *Handler) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := assetFiles[r.PathValue("file")]
	if !ok {
		h.writeError(w, r, notFound("There is no asset %q.", r.PathValue("file")))
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("ETag", `"`+a.hash+`"`)
	if r.URL.Query().Get("v") == a.hash {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
