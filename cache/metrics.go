package cache

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the cache's Prometheus collectors. Both tiers of one server
// share one Metrics; the tier label tells them apart.
//
//	hcpcs_cache_hits_total{tier}                 lookups answered by the tier
//	hcpcs_cache_misses_total{tier}               lookups it could not answer (absent, expired,
//	                                             undecodable, Redis failing or circuit open)
//	hcpcs_cache_local_evictions_total            entries pushed out of the local tier by size
//	hcpcs_cache_local_bytes, …_local_entries     what the local tier holds
//	hcpcs_cache_redis_errors_total{op,kind}      failed Redis calls; kind is timeout, error or corrupt
//	hcpcs_cache_redis_skipped_total{op}          calls not made because the circuit was open
//	hcpcs_cache_redis_circuit_open               1 while Redis is considered down
//	hcpcs_cache_redis_latency_seconds{op}        Redis round trips, failed ones included
type Metrics struct {
	hits, misses   *prometheus.CounterVec
	evictions      prometheus.Counter
	localBytes     prometheus.Gauge
	localEntries   prometheus.Gauge
	redisErrors    *prometheus.CounterVec
	redisSkipped   *prometheus.CounterVec
	circuitOpen    prometheus.Gauge
	redisLatency   *prometheus.HistogramVec
	localHit       prometheus.Counter
	localMiss      prometheus.Counter
	redisHit       prometheus.Counter
	redisMiss      prometheus.Counter
	redisGetTiming prometheus.Observer
	redisSetTiming prometheus.Observer
}

// NewMetrics creates the collectors and registers them on reg; a nil reg
// leaves them unregistered (tests, benchmarks).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		hits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hcpcs_cache_hits_total",
			Help: "Response cache lookups answered, by tier (local, redis)."}, []string{"tier"}),
		misses: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hcpcs_cache_misses_total",
			Help: "Response cache lookups not answered, by tier (local, redis); Redis errors count here too."}, []string{"tier"}),
		evictions: prometheus.NewCounter(prometheus.CounterOpts{Name: "hcpcs_cache_local_evictions_total",
			Help: "Entries evicted from the in-process tier to stay within its size."}),
		localBytes: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hcpcs_cache_local_bytes",
			Help: "Bytes held by the in-process tier (keys and values)."}),
		localEntries: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hcpcs_cache_local_entries",
			Help: "Entries held by the in-process tier."}),
		redisErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hcpcs_cache_redis_errors_total",
			Help: "Failed Redis calls by operation (get, set, ping) and kind (timeout, error, corrupt)."}, []string{"op", "kind"}),
		redisSkipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hcpcs_cache_redis_skipped_total",
			Help: "Redis calls not made because the circuit breaker is open."}, []string{"op"}),
		circuitOpen: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hcpcs_cache_redis_circuit_open",
			Help: "1 while Redis is considered down and only probed, 0 otherwise."}),
		redisLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hcpcs_cache_redis_latency_seconds",
			Help:    "Latency of Redis calls by operation (get, set, ping), failures included.",
			Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25}}, []string{"op"}),
	}
	m.localHit, m.localMiss = m.hits.WithLabelValues("local"), m.misses.WithLabelValues("local")
	m.redisHit, m.redisMiss = m.hits.WithLabelValues("redis"), m.misses.WithLabelValues("redis")
	m.redisGetTiming, m.redisSetTiming = m.redisLatency.WithLabelValues("get"), m.redisLatency.WithLabelValues("set")
	if reg != nil {
		reg.MustRegister(m.hits, m.misses, m.evictions, m.localBytes, m.localEntries,
			m.redisErrors, m.redisSkipped, m.circuitOpen, m.redisLatency)
	}
	return m
}
