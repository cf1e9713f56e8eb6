package main

import (
	"bytes"
	"flag"
	"io"
	"log"
	"net/http"
	"net/http/pprof"
	"strconv"
	"sync/atomic"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:18081", "address")
	size := flag.Int("size", 1024, "bytes of the body")
	headers := flag.Bool("headers", false, "also send the five headers every FHIR answer of hcpcs-server carries "+
		"(Cache-Control, ETag, Vary, X-Cache and a fresh X-Request-Id), to tell what they cost from what the server's code costs")
	debug := flag.String("debug-listen", "", "address of /debug/pprof/, to profile the ceiling beside the server (docs/performance.md); empty: none")
	flag.Parse()
	if *debug != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		go func() { log.Fatal(http.ListenAndServe(*debug, mux)) }()
	}
	body := bytes.Repeat([]byte(" "), *size)
	copy(body, `{"resourceType":"Parameters"}`)
	length := strconv.Itoa(len(body))
	var requests atomic.Uint64
	log.Fatal(http.ListenAndServe(*listen, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // read a POSTed body, as the server must
		h := w.Header()
		h.Set("Content-Type", "application/fhir+json; charset=utf-8")
		h.Set("Content-Length", length)
		if *headers {
			// The values as the server's answers have them, and a request id
			// of the same length made as cheaply as it can be.
			h.Set("Cache-Control", "public, no-cache")
			h.Set("ETag", `W/"2645e77de7a2d615f7fdf961"`)
			h.Set("Vary", "Accept, Accept-Encoding, Origin")
			h.Set("X-Cache", "hit-local")
			h.Set("X-Request-Id", strconv.FormatUint(1<<60|requests.Add(1), 16))
		}
		_, _ = w.Write(body)
	})))
}
