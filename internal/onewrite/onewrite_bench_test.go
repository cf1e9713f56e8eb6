package onewrite

import (
	"io"
	"net"
	"net/http"
	"testing"
)

// BenchmarkAnswer is one keep-alive round trip over loopback through
// net/http, for an answer that fits net/http's buffer and one that does
// not, with and without the listener. The long answer's gain is the second
// write saved on both sides; docs/performance.md reports it under load.
func BenchmarkAnswer(b *testing.B) {
	for _, size := range []string{"3000", "4500"} {
		for _, wrap := range []bool{false, true} {
			name := size + "/net-http"
			if wrap {
				name = size + "/onewrite"
			}
			b.Run(name, func(b *testing.B) {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					b.Fatal(err)
				}
				if wrap {
					ln = Listener{ln}
				}
				srv := &http.Server{Handler: sized}
				go func() { _ = srv.Serve(ln) }()
				defer srv.Close()
				client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
				defer client.CloseIdleConnections()
				url := "http://" + ln.Addr().String() + "/" + size
				b.ReportAllocs()
				for b.Loop() {
					resp, err := client.Get(url)
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		}
	}
}
