package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/fhir"
)

// responseCache holds the tiers of the response cache built from the
// flags: an in-process LRU and, with --redis, Redis.
type responseCache struct {
	config fhir.CacheConfig
	local  *cache.Local
	redis  *cache.Redis
}

func newResponseCache(ctx context.Context, cfg *serveConfig, log *slog.Logger, reg prometheus.Registerer) (*responseCache, error) {
	m := cache.NewMetrics(reg)
	responses := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hcpcs_cache_responses_total",
		Help: "Responses by cache operation (lookup, validate-code, read, search, other) and X-Cache value."}, []string{"op", "x_cache"})
	reg.MustRegister(responses)
	rc := &responseCache{config: fhir.CacheConfig{
		Observe:        observeResponses(responses),
		SharedOps:      cfg.redisOps,
		RepublishEvery: cfg.republishEvery,
	}}
	if cfg.cacheSize > 0 {
		rc.local = cache.NewLocal(cfg.cacheSize, cfg.cacheTTL, m)
		rc.config.Local = rc.local
	}
	if cfg.redis == "" {
		log.Info("response cache", "local_bytes", cfg.cacheSize, "ttl", cfg.cacheTTL.String(), "redis", "not configured")
		return rc, nil
	}
	cache.RouteClientLogs(log, cache.DefaultLogEvery)
	red, err := cache.New(cache.Config{URL: cfg.redis, Prefix: cfg.redisPrefix, TTL: cfg.cacheTTL, Timeout: cfg.redisTimeout,
		Logger: log, Metrics: m})
	if err != nil {
		return nil, fmt.Errorf("--redis: %w", err)
	}
	rc.redis, rc.config.Shared = red, red
	st := red.State()
	attrs := []any{"local_bytes", cfg.cacheSize, "ttl", cfg.cacheTTL.String(), "redis", cache.Redact(cfg.redis),
		"mode", string(st.Mode), "prefix", cfg.redisPrefix, "timeout", cfg.redisTimeout.String(), "redis_ops", cfg.redisOps}
	// A Redis that does not answer now is not fatal: the server serves
	// without it, and the circuit breaker's probe picks it up later.
	pingCtx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := red.Ping(pingCtx); err != nil {
		log.Warn("response cache: Redis does not answer; serving without it until it does", append(attrs, "err", err)...)
	} else {
		log.Info("response cache", attrs...)
	}
	return rc, nil
}

// observeResponses counts answers by operation and X-Cache value. The
// counters of the known labels are looked up once: WithLabelValues hashes
// its labels on every call, on the path of every answer.
func observeResponses(responses *prometheus.CounterVec) func(op, xcache string) {
	ops := append([]string{fhir.OpOther}, fhir.CacheOps...)
	known := make([][]prometheus.Counter, len(ops))
	for i, op := range ops {
		for _, x := range fhir.XCacheValues {
			known[i] = append(known[i], responses.WithLabelValues(op, x))
		}
	}
	return func(op, xcache string) {
		i, j := slices.Index(ops, op), slices.Index(fhir.XCacheValues, xcache)
		if i < 0 || j < 0 {
			responses.WithLabelValues(op, xcache).Inc()
			return
		}
		known[i][j].Inc()
	}
}

// ready adds the cache's state to the /readyz body.
func (rc *responseCache) ready(ctx context.Context, body gin.H) {
	if rc.local != nil {
		body["localCache"] = gin.H{"entries": rc.local.Len(), "bytes": rc.local.Bytes()}
	}
	if rc.redis == nil {
		body["redis"] = "not configured"
		return
	}
	// Ping reports an open circuit without calling Redis, and a failed
	// ping opens it.
	pingCtx, cancel := context.WithTimeout(ctx, time.Second)
	err := rc.redis.Ping(pingCtx)
	cancel()
	st := rc.redis.State()
	switch {
	case st.Checking:
		// Calls timed out, perhaps only because this process was short of
		// CPU; PINGs are checking. Not an outage until they say so.
		body["redis"] = "checking"
	case err != nil || !st.Up:
		body["redis"] = "down"
	default:
		body["redis"] = "up"
	}
	body["redisDetail"] = st
}

func (rc *responseCache) close() {
	if rc.redis != nil {
		_ = rc.redis.Close()
	}
}
