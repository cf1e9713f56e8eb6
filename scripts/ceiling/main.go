package main

import (
	"bytes"
	"flag"
	"io"
	"log"
	"net/http"
	"net/http/pprof"
	"strconv"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:18081", "address")
	size := flag.Int("size", 1024, "bytes of the body")
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
	log.Fatal(http.ListenAndServe(*listen, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // read a POSTed body, as the server must
		h := w.Header()
		h.Set("Content-Type", "application/fhir+json; charset=utf-8")
		h.Set("Content-Length", length)
		_, _ = w.Write(body)
	})))
}
