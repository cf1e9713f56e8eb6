package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hcpcs-server/hcpcs-server/fhir"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// serveConfig is the configuration of `serve` (docs/contract.md).
type serveConfig struct {
	listen  string
	data    []string
	redis   string
	baseURL string
	version string // force the version when exactly one release is read
}

func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (*serveConfig, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", env("HCPCS_LISTEN", ":8080"), "address to serve on (HCPCS_LISTEN)")
	data := fs.String("data", env("HCPCS_DATA", "./data"), "comma-separated release sources: CMS ZIP, ANWEB .txt/.xlsx/.csv, or directories (HCPCS_DATA)")
	redis := fs.String("redis", env("REDIS_URL", ""), "redis://host:port/db; empty: in-process cache only (REDIS_URL)")
	baseURL := fs.String("base-url", env("HCPCS_BASE_URL", ""), "public base URL of the FHIR API, e.g. https://tx.example.org/fhir (HCPCS_BASE_URL)")
	ver := fs.String("release-version", env("HCPCS_RELEASE_VERSION", ""), "YYYY-MM of the release when --data is a single file whose name does not say (HCPCS_RELEASE_VERSION)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "serve: unexpected arguments %q\n", fs.Args())
		return nil, errUsage
	}
	cfg := &serveConfig{listen: *listen, redis: *redis, baseURL: *baseURL, version: *ver}
	for _, d := range strings.Split(*data, ",") {
		if d = strings.TrimSpace(d); d != "" {
			cfg.data = append(cfg.data, d)
		}
	}
	if len(cfg.data) == 0 {
		fmt.Fprintln(stderr, "serve: --data names no source")
		return nil, errUsage
	}
	return cfg, nil
}

// loadSnapshot reads every source; any failure leaves nothing loaded.
func loadSnapshot(cfg *serveConfig) (*terminology.Snapshot, error) {
	releases, err := terminology.LoadSources(cfg.data, terminology.LoadOptions{Version: cfg.version})
	if err != nil {
		return nil, err
	}
	return terminology.NewSnapshot(releases)
}

// runServe loads the data and serves until ctx ends. ready, when not nil,
// receives the bound address once the server accepts connections (tests).
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- string) error {
	cfg, err := parseServeFlags(args, getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	start := time.Now()
	snap, err := loadSnapshot(cfg)
	if err != nil {
		return fmt.Errorf("loading %s: %w", strings.Join(cfg.data, ","), err)
	}
	for _, r := range snap.Releases() {
		n := r.Counts()
		log.Info("release loaded", "version", r.Version, "codes", n.Entries, "procedures", n.Procedures, "modifiers", n.Modifiers, "sources", r.Sources)
	}
	log.Info("data loaded", "releases", len(snap.Releases()), "latest", snap.Latest().Version, "took", time.Since(start).String())
	store := terminology.NewStore(snap)
	if cfg.redis != "" {
		log.Warn("--redis is set but this build has no Redis cache yet; serving without it", "redis", cfg.redis)
	}

	registry := prometheus.NewRegistry()
	registry.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	metrics := newHTTPMetrics(registry)

	api := fhir.NewServer(fhir.Config{Data: store, BaseURL: cfg.baseURL, SoftwareVersion: softwareVersion(), Logger: log})
	engine := api.NewEngine(metrics.middleware)
	engine.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	engine.GET("/readyz", func(c *gin.Context) {
		s := store.Snapshot()
		c.JSON(http.StatusOK, gin.H{"status": "ready", "versions": s.Versions(), "latest": s.Latest().Version,
			"loadedAt": s.LoadedAt().Format(time.RFC3339), "redis": "not configured"})
	})
	engine.GET("/metrics", gin.WrapH(promhttp.HandlerFor(registry, promhttp.HandlerOpts{})))

	srv := &http.Server{
		Handler: engine,
		// Slow clients must not pin connections; the full CodeSystem
		// download (several MB) needs the long write timeout.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.listen, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "fhir", "/fhir")
	if ready != nil {
		ready <- ln.Addr().String()
	}

	// SIGHUP reloads the sources; a failed reload keeps the previous data.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				next, err := loadSnapshot(cfg)
				if err != nil {
					log.Error("reload failed; still serving the previous data", "err", err)
					continue
				}
				store.Swap(next)
				log.Info("reloaded", "versions", next.Versions())
			}
		}
	}()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down; letting in-flight requests finish")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// httpMetrics counts requests by route and status.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hcpcs_http_requests_total", Help: "HTTP requests by route, method and status."},
			[]string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hcpcs_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) middleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
	m.duration.WithLabelValues(route, c.Request.Method).Observe(time.Since(start).Seconds())
}
