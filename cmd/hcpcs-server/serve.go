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
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hcpcs-server/hcpcs-server/browse"
	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/fhir"
	"github.com/hcpcs-server/hcpcs-server/internal/connfront"
	"github.com/hcpcs-server/hcpcs-server/internal/onewrite"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// serveConfig is the configuration of `serve` (docs/contract.md).
type serveConfig struct {
	listen  string
	data    []string
	redis   string
	baseURL string
	version string // force the version when exactly one release is read
	// valueSets are the sources of ValueSet resources: JSON files,
	// directories and FHIR NPM packages.
	valueSets []string
	// maxExpansion is the largest $expand answered without count.
	maxExpansion int
	// The bounds of what clients may send: a request body, its tx-resource
	// parameters, the validations of a $batch-validate-code, and the
	// cache-id sessions (fhir.Config).
	maxRequestBytes int64
	maxTxResources  int
	maxBatch        int
	maxSessions     int
	sessionIdle     time.Duration
	maxSessionBytes int64

	// The response cache (cache/doc.go).
	cacheSize      int64         // bytes of the in-process tier; 0 disables it
	cacheTTL       time.Duration // expiry of entries in both tiers
	redisPrefix    string        // namespace of the keys in Redis
	redisTimeout   time.Duration // deadline of each Redis read
	republishEvery time.Duration // how often a full read served from the rendering is written to Redis again
	drainDelay     time.Duration // on SIGTERM: /readyz 503 while still serving
	drainTimeout   time.Duration // then: the longest wait for requests in flight
	debugListen    string        // the profiler's own listener, "" for none
	redisOps       []string      // operations whose answers go to Redis

	accessLog fhir.AccessLog // which requests get a log line
	// httpCaching is the Cache-Control policy (--http-cache-latest, --http-cache-pinned).
	httpCaching fhir.HTTPCaching
	// adminToken is the bearer token of /admin/reload; empty disables it.
	// It is read from HCPCS_ADMIN_TOKEN only: a flag would show in ps.
	adminToken string
}

func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (*serveConfig, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var envErr error
	envInt := func(name string, def int) int {
		v := getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil && envErr == nil {
			envErr = fmt.Errorf("%s=%q: %v", name, v, err)
		}
		return n
	}
	envFloat := func(name string, def float64) float64 {
		v := getenv(name)
		if v == "" {
			return def
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil && envErr == nil {
			envErr = fmt.Errorf("%s=%q: %v", name, v, err)
		}
		return f
	}
	envDuration := func(name string, def time.Duration) time.Duration {
		v := getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil && envErr == nil {
			envErr = fmt.Errorf("%s=%q: %v", name, v, err)
		}
		return d
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", env("HCPCS_LISTEN", ":8080"), "address to serve on (HCPCS_LISTEN)")
	data := fs.String("data", env("HCPCS_DATA", "./data"), "comma-separated release sources: CMS ZIP, ANWEB .txt/.xlsx/.csv, or directories (HCPCS_DATA)")
	redis := fs.String("redis", env("REDIS_URL", ""), "Redis of the shared response cache: redis://[user:pw@]host:port/db, rediss://…, "+
		"redis-sentinel://h1:p1,h2:p2/db?master=name, redis-cluster://h1:p1,h2:p2 or h1:p1,h2:p2; empty: in-process cache only (REDIS_URL)")
	cacheSize := fs.String("cache-size", env("HCPCS_CACHE_SIZE", "256MiB"), "size of the in-process response cache, e.g. 256MiB, and an eighth more for the GETs it answers before the router; 0 disables both (HCPCS_CACHE_SIZE)")
	cacheTTL := fs.Duration("cache-ttl", envDuration("HCPCS_CACHE_TTL", 24*time.Hour), "how long cached responses live, in both tiers (HCPCS_CACHE_TTL)")
	redisPrefix := fs.String("redis-prefix", env("HCPCS_REDIS_PREFIX", "hcpcs:"), "prefix of every Redis key, to share one Redis safely (HCPCS_REDIS_PREFIX)")
	redisTimeout := fs.Duration("redis-timeout", envDuration("HCPCS_REDIS_TIMEOUT", cache.DefaultTimeout),
		"deadline of each Redis read; a slower Redis is served around (HCPCS_REDIS_TIMEOUT)")
	redisOps := fs.String("redis-ops", env("HCPCS_REDIS_OPS", strings.Join(fhir.DefaultSharedOps, ",")),
		"operations whose responses go to Redis: any of "+strings.Join(fhir.CacheOps, ", ")+"; the others stay in process (HCPCS_REDIS_OPS)")
	drainDelay := fs.Duration("drain-delay", envDuration("HCPCS_DRAIN_DELAY", 5*time.Second),
		"on SIGTERM, how long /readyz answers 503 while requests are still served, so that load balancers stop sending new ones (HCPCS_DRAIN_DELAY)")
	drainTimeout := fs.Duration("drain-timeout", envDuration("HCPCS_DRAIN_TIMEOUT", 30*time.Second),
		"then, how long requests in flight may take to finish before their connections are closed (HCPCS_DRAIN_TIMEOUT)")
	debugAddr := fs.String("debug-listen", env("HCPCS_DEBUG_LISTEN", ""),
		"address of a second listener serving Go's profiler (/debug/pprof/), e.g. 127.0.0.1:6060; empty: none. Never expose it publicly (HCPCS_DEBUG_LISTEN)")
	republish := fs.Duration("republish-every", envDuration("HCPCS_REPUBLISH_EVERY", fhir.DefaultRepublishEvery),
		"how often a replica writes a full CodeSystem read it serves from its own rendering to Redis again, in case Redis lost it (HCPCS_REPUBLISH_EVERY)")
	baseURL := fs.String("base-url", env("HCPCS_BASE_URL", ""), "public base URL of the FHIR API, e.g. https://tx.example.org/fhir (HCPCS_BASE_URL)")
	valueSets := fs.String("valuesets", env("HCPCS_VALUESETS", ""), "comma-separated ValueSet sources: FHIR JSON files, directories, FHIR NPM packages (.tgz); empty: the built-in value sets only (HCPCS_VALUESETS)")
	maxExpansion := fs.Int("max-expansion", envInt("HCPCS_MAX_EXPANSION", fhir.DefaultMaxExpansion), "largest $expand answered without count; larger ones get too-costly and must page (HCPCS_MAX_EXPANSION)")
	maxRequest := fs.String("max-request-size", env("HCPCS_MAX_REQUEST_SIZE", "4MiB"), "largest POSTed body, tx-resource parameters included; larger ones get 413 (HCPCS_MAX_REQUEST_SIZE)")
	maxTxResources := fs.Int("max-tx-resources", envInt("HCPCS_MAX_TX_RESOURCES", fhir.DefaultMaxTxResources), "most tx-resource parameters in one request (HCPCS_MAX_TX_RESOURCES)")
	maxBatch := fs.Int("max-batch", envInt("HCPCS_MAX_BATCH", fhir.DefaultMaxBatch), "most validations in one $batch-validate-code; more get 413 (HCPCS_MAX_BATCH)")
	maxSessions := fs.Int("max-sessions", envInt("HCPCS_MAX_SESSIONS", fhir.DefaultMaxSessions), "most live cache-id sessions ($cache-control); one more gets 429 (HCPCS_MAX_SESSIONS)")
	sessionIdle := fs.Duration("session-idle", envDuration("HCPCS_SESSION_IDLE", fhir.DefaultSessionIdle), "how long an unused cache-id session lives (HCPCS_SESSION_IDLE)")
	maxSessionSize := fs.String("max-session-size", env("HCPCS_MAX_SESSION_SIZE", "32MiB"), "most definition JSON one cache-id session holds (HCPCS_MAX_SESSION_SIZE)")
	accessLog := fs.String("access-log", env("HCPCS_ACCESS_LOG", "all"),
		"which requests get a log line: off, errors (4xx and 5xx), or all (every error, and --access-log-sample of the rest) (HCPCS_ACCESS_LOG)")
	accessSample := fs.Float64("access-log-sample", envFloat("HCPCS_ACCESS_LOG_SAMPLE", 0.01),
		"with --access-log=all, the share of successful requests logged, 0 to 1; errors are always logged (HCPCS_ACCESS_LOG_SAMPLE)")
	cacheLatest := fs.String("http-cache-latest", env("HCPCS_HTTP_CACHE_LATEST", fhir.DefaultCacheLatest),
		"Cache-Control of cacheable answers that depend on what is loaded (no version given, value sets, searches): revalidated by ETag, so that a reload is seen at once (HCPCS_HTTP_CACHE_LATEST)")
	cachePinned := fs.String("http-cache-pinned", env("HCPCS_HTTP_CACHE_PINNED", fhir.DefaultCachePinned),
		"Cache-Control of answers about one named release (CodeSystem/hcpcs-YYYY-MM, version=YYYY-MM), which a reload does not change (HCPCS_HTTP_CACHE_PINNED)")
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
	if envErr != nil {
		fmt.Fprintln(stderr, "serve:", envErr)
		return nil, errUsage
	}
	if *maxExpansion < 1 || *maxTxResources < 1 || *maxBatch < 1 || *maxSessions < 1 || *sessionIdle <= 0 {
		fmt.Fprintln(stderr, "serve: --max-expansion, --max-tx-resources, --max-batch, --max-sessions and --session-idle must be positive")
		return nil, errUsage
	}
	cfg := &serveConfig{listen: *listen, redis: *redis, baseURL: *baseURL, version: *ver, maxExpansion: *maxExpansion,
		cacheTTL: *cacheTTL, redisPrefix: *redisPrefix, redisTimeout: *redisTimeout, republishEvery: *republish, debugListen: *debugAddr,
		drainDelay: *drainDelay, drainTimeout: *drainTimeout,
		maxTxResources: *maxTxResources, maxBatch: *maxBatch, maxSessions: *maxSessions, sessionIdle: *sessionIdle}
	var err error
	if cfg.accessLog.Mode, err = fhir.ParseAccessLogMode(*accessLog); err != nil {
		fmt.Fprintln(stderr, "serve: --access-log:", err)
		return nil, errUsage
	}
	if cfg.accessLog.Sample = *accessSample; !(cfg.accessLog.Sample >= 0 && cfg.accessLog.Sample <= 1) {
		fmt.Fprintln(stderr, "serve: --access-log-sample must be between 0 and 1, e.g. 0.01 for 1%")
		return nil, errUsage
	}
	cfg.httpCaching = fhir.HTTPCaching{Latest: strings.TrimSpace(*cacheLatest), Pinned: strings.TrimSpace(*cachePinned)}
	for flag, v := range map[string]string{"http-cache-latest": cfg.httpCaching.Latest, "http-cache-pinned": cfg.httpCaching.Pinned} {
		if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			fmt.Fprintf(stderr, "serve: --%s must be a Cache-Control value such as %q\n", flag, fhir.DefaultCacheLatest)
			return nil, errUsage
		}
	}
	if cfg.adminToken, err = adminToken(getenv); err != nil {
		fmt.Fprintln(stderr, "serve:", err)
		return nil, errUsage
	}
	for _, size := range []struct {
		flag, value string
		into        *int64
	}{{"max-request-size", *maxRequest, &cfg.maxRequestBytes}, {"max-session-size", *maxSessionSize, &cfg.maxSessionBytes}} {
		if *size.into, err = cache.ParseSize(size.value); err != nil || *size.into < 1 {
			fmt.Fprintf(stderr, "serve: --%s must be a positive size such as 4MiB\n", size.flag)
			return nil, errUsage
		}
	}
	if cfg.cacheSize, err = cache.ParseSize(*cacheSize); err != nil {
		fmt.Fprintln(stderr, "serve: --cache-size:", err)
		return nil, errUsage
	}
	if cfg.drainDelay < 0 || cfg.drainTimeout <= 0 {
		fmt.Fprintln(stderr, "serve: --drain-delay must not be negative and --drain-timeout must be positive")
		return nil, errUsage
	}
	if cfg.cacheTTL <= 0 || cfg.redisTimeout <= 0 || cfg.republishEvery <= 0 {
		fmt.Fprintln(stderr, "serve: --cache-ttl, --redis-timeout and --republish-every must be positive")
		return nil, errUsage
	}
	for _, op := range strings.Split(*redisOps, ",") {
		if op = strings.TrimSpace(op); op == "" {
			continue
		}
		if !slices.Contains(fhir.CacheOps, op) {
			fmt.Fprintf(stderr, "serve: --redis-ops: unknown operation %q; known: %s\n", op, strings.Join(fhir.CacheOps, ", "))
			return nil, errUsage
		}
		cfg.redisOps = append(cfg.redisOps, op)
	}
	if cfg.redisOps == nil {
		cfg.redisOps = []string{}
	}
	for _, d := range strings.Split(*data, ",") {
		if d = strings.TrimSpace(d); d != "" {
			cfg.data = append(cfg.data, d)
		}
	}
	for _, v := range strings.Split(*valueSets, ",") {
		if v = strings.TrimSpace(v); v != "" {
			cfg.valueSets = append(cfg.valueSets, v)
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
	if len(cfg.valueSets) == 0 {
		return terminology.NewSnapshot(releases)
	}
	defs, err := fhir.LoadValueSets(cfg.valueSets)
	if err != nil {
		return nil, fmt.Errorf("value sets: %w", err)
	}
	return terminology.NewSnapshotEvaluated(releases, defs.Definitions)
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
	setMemoryLimit(getenv, cgroupMemoryMax, log)
	start := time.Now()
	snap, err := loadSnapshot(cfg)
	if err != nil {
		return fmt.Errorf("loading %s: %w", strings.Join(cfg.data, ","), err)
	}
	for _, r := range snap.Releases() {
		n := r.Counts()
		log.Info("release loaded", "version", r.Version, "codes", n.Entries, "procedures", n.Procedures, "modifiers", n.Modifiers, "sources", r.Sources)
	}
	logValueSets(log, snap)
	log.Info("data loaded", "releases", len(snap.Releases()), "latest", snap.Latest().Version, "took", time.Since(start).String())
	fpStart := time.Now()
	log.Info("data fingerprint", "fingerprint", snap.Fingerprint(), "took", time.Since(fpStart).String())
	store := terminology.NewStore(snap)

	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := newHTTPMetrics(registry)

	rcache, err := newResponseCache(ctx, cfg, log, registry)
	if err != nil {
		return err
	}
	defer rcache.close()

	settler := newMemorySettler(settleDelay, debug.FreeOSMemory)
	defer settler.stop()
	api := fhir.NewServer(fhir.Config{Rendered: settler.poke, Data: store, BaseURL: cfg.baseURL, SoftwareVersion: softwareVersion(), SoftwareReleaseDate: softwareReleaseDate(), Logger: log, MaxExpansion: cfg.maxExpansion,
		MaxRequestBytes: cfg.maxRequestBytes, MaxTxResources: cfg.maxTxResources, MaxBatch: cfg.maxBatch,
		MaxSessions: cfg.maxSessions, SessionIdle: cfg.sessionIdle, MaxSessionBytes: int(cfg.maxSessionBytes), AccessLog: cfg.accessLog,
		HTTPCaching: cfg.httpCaching})
	responses := api.NewResponseCache(rcache.config)
	var draining atomic.Bool
	// While draining, every answer closes its connection, so that clients
	// reconnect (to another replica); idle connections are left to close
	// at shutdown rather than cut under a request being sent.
	closeWhileDraining := func(c *gin.Context) {
		if draining.Load() {
			c.Header("Connection", "close")
		}
		c.Next()
	}
	engine := api.NewEngine(closeWhileDraining, metrics.middleware, responses.Handler)
	engine.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	engine.GET("/readyz", func(c *gin.Context) {
		if draining.Load() {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "draining"})
			return
		}
		body := snapshotJSON(store.Snapshot())
		body["status"] = "ready"
		rcache.ready(c.Request.Context(), body)
		// Redis being down does not make the server unready: it serves
		// without it (fail-open).
		c.JSON(http.StatusOK, body)
	})
	engine.GET("/metrics", gin.WrapH(promhttp.HandlerFor(registry, promhttp.HandlerOpts{})))
	// SIGHUP and, with a token, POST /admin/reload reread the sources; a
	// failed reload keeps the previous data. Without a token the route does
	// not exist (404).
	reloads := newReloader(func() (*terminology.Snapshot, error) { return loadSnapshot(cfg) }, store, log, registry)
	if cfg.adminToken != "" {
		engine.POST("/admin/reload", reloads.handler(cfg.adminToken))
	}

	// The front answers repeated GETs from memory without the engine; its
	// budget is an eighth of the in-process cache's.
	front := responses.Front(engine, fhir.FrontConfig{Budget: cfg.cacheSize / 8, TTL: cfg.cacheTTL, Series: metrics.recorder})
	browser := browse.New(store.Snapshot, browse.Options{Logger: log})
	srv := &http.Server{
		Handler: withBrowser(browser, front, engine, metrics, &draining),
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
	reloads.onSIGHUP(ctx)

	if cfg.debugListen != "" {
		_, stopDebug, err := serveDebug(cfg.debugListen, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	// The pid is the process to send SIGHUP (reload) and SIGTERM (drain) to.
	log.Info("serving", "addr", ln.Addr().String(), "pid", os.Getpid(), "version", softwareVersion(), "fhir", "/fhir", "admin_reload", cfg.adminToken != "",
		"access_log", cfg.accessLog.Mode.String(), "access_log_sample", cfg.accessLog.Sample)
	settler.poke() // the garbage of the load
	if ready != nil {
		ready <- ln.Addr().String()
	}

	errc := make(chan error, 1)
	// An answer longer than net/http's 4 KB write buffer leaves in one
	// write (internal/onewrite); under it, kept-alive connections answer
	// the front's hits themselves (internal/connfront).
	go func() {
		errc <- srv.Serve(onewrite.Listener{Listener: answerOnConnections(ln, srv, responses, &draining, registry)})
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if err := drain(srv, &draining, cfg, log); err != nil {
		return err
	}
	responses.Wait() // let the last cache writes reach Redis
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// answerOnConnections wraps ln so that its connections answer what the
// response cache's front holds before net/http parses the request
// (internal/connfront), with the server's own timeouts and limits; while
// draining, every request goes to net/http, whose answers then close
// their connections. Such answers are counted among the front's in every
// metric, and apart in hcpcs_front_connection_answers_total. Without a
// front, ln is returned.
func answerOnConnections(ln net.Listener, srv *http.Server, responses *fhir.ResponseCache, draining *atomic.Bool, registry *prometheus.Registry) net.Listener {
	answerer, headers, ok := responses.ConnFront()
	if !ok {
		return ln
	}
	cfg := &connfront.Config{Answer: answerer, Headers: headers, Off: draining.Load,
		HeaderTimeout: srv.ReadHeaderTimeout, WriteTimeout: srv.WriteTimeout, MaxHeaderBytes: srv.MaxHeaderBytes}
	registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "hcpcs_front_connection_answers_total",
		Help: "Answers of the response cache's front given on kept-alive connections before net/http parsed the request (also counted in hcpcs_cache_responses_total and the HTTP metrics)."},
		func() float64 { return float64(cfg.Answered.Load()) }))
	return connfront.Listener{Listener: ln, Config: cfg}
}

// logValueSets says how many value sets are served and which loaded ones
// were left out, and why.
func logValueSets(log *slog.Logger, snap *terminology.Snapshot) {
	for _, sk := range snap.Skipped() {
		log.Warn("definition skipped", "origin", sk.Origin, "canonical", sk.Canonical, "reason", sk.Reason)
	}
	log.Info("value sets loaded", "served", len(snap.ValueSets().All()), "conceptMaps", len(snap.ConceptMaps()), "skipped", len(snap.Skipped()))
}

func skippedJSON(list []terminology.SkippedResource) []gin.H {
	out := make([]gin.H, 0, len(list))
	for _, sk := range list {
		out = append(out, gin.H{"origin": sk.Origin, "canonical": sk.Canonical, "reason": sk.Reason})
	}
	return out
}
