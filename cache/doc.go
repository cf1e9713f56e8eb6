// Package cache holds the two tiers of the FHIR response cache: Local, a
// bounded in-process LRU, and Redis, a fail-open client of a Redis shared by
// every replica. It owns go-redis: nothing else in the server imports it.
// The HTTP side, the middleware that decides what is cached where, is
// fhir.ResponseCache (fhir/cache.go). It declares the two small interfaces
// it consumes, fhir.LocalCache and fhir.SharedCache, and this package
// satisfies them without importing fhir. pkgsite's internal/cache and
// internal/middleware/caching.go are the model.
//
// # Why two tiers, and which operation goes where
//
// The server runs as many stateless replicas. Redis lets one replica's work
// serve the others and survive restarts, but a Redis round trip is not free:
// it pays only where computing the answer costs more than fetching it. So
// each operation is sent only to the tiers where it pays, and the routing
// comes from measurement (BenchmarkCache in fhir/cache_test.go, on the real
// 2025-10 release of 8,846 codes).
//
// Method: go test -run '^$' -bench 'BenchmarkCache$' -benchtime 1s -count 3
// -benchmem ./fhir/, median of 3. Intel Xeon, 2 vCPU shared with other
// work, Go 1.26, Redis 7.0.15 on loopback. Each request runs through the
// full gin engine into a writer that discards the body. "miss" is the
// middleware with no tier: what it adds when it has to compute. "Redis hit"
// is a replica without a local tier, fed by another. Time, then bytes
// allocated, per request:
//
//	operation                   no cache         miss            local hit       Redis hit
//	$lookup E0114               24 µs   28 KB    29 µs   34 KB   2.0 µs  1.3 KB  51 µs   11 KB
//	$validate-code E0114        5.2 µs  5.3 KB   7.7 µs  7.7 KB  2.1 µs  1.3 KB  48 µs   3.1 KB
//	read hcpcs-2025-10, gzip    127 ms  87 MB    (cold)          2.2 µs  1.1 KB  0.78 ms 1.5 MB
//	  (770 KB body)     warm    1.6 µs  0.9 KB
//	read, identity              125 ms  92 MB    (cold)          2.1 µs  1.1 KB  17 ms   17 MB
//	  (15 MB body)      warm    1.5 µs  0.9 KB
//
// Since then (issue 9) the local tier keeps decoded entries whose header
// slices are built once, a local hit skips singleflight, and keys are
// hashed from a stack buffer: a local hit of $lookup went from 32
// allocations and 1,330 bytes to 10 and 640 (BenchmarkCache/lookup/
// local-hit; times on this shared machine moved too much to quote).
//
// "cold" is a new server whose first read renders the release; "warm" is the
// handler serving the rendering it kept, without the middleware. A read's
// local hit is that kept rendering behind the middleware (key hashing adds
// 0.6 µs). Redis PING took 58 µs
// in that run; on a quiet machine it takes about 10 µs, which moves every
// Redis hit down by about 45 µs but changes no conclusion:
//
//   - Every local hit (about 2 µs) is faster than computing, so every
//     cacheable operation uses the local tier.
//   - $validate-code: a Redis hit (48 µs) is slower than computing (5 µs),
//     even on loopback. In-process only.
//   - $lookup: a Redis hit (50 µs) is slower than computing (24 µs) since
//     Parameters are marshalled through a lean type (fhir/parameters.go;
//     samply's type made it 88 µs). In-process only. --redis-ops
//     read,lookup sends it to Redis anyway, for a Redis on the same host.
//   - The CodeSystem read: the handler renders each release once per
//     snapshot and keeps the rendering, which it serves in 1.5 µs; that
//     kept rendering is the in-process tier of full reads (X-Cache
//     hit-local), and they are never copied into the LRU, which would cost
//     15 MB per release for nothing. A Redis hit takes 0.8 ms (gzip) or
//     17 ms (identity: the stored value is gzip'd, and inflating 15 MB
//     dominates); the first rendering in a process takes about 125 ms and
//     allocates 90 MB. So a read goes to Redis only while this process has
//     not rendered that CodeSystem for the current snapshot: on a fresh
//     replica, or after a reload; what it fetches from Redis is kept in the
//     LRU, since no rendering exists to serve it. Each encoding's first
//     request on a rendered replica goes once through the middleware, to
//     publish that variant to Redis for the other replicas, and again every
//     --republish-every (10 min), so that sharing resumes after Redis lost
//     its data (a restart, an eviction). Subsets
//     (_summary, _elements, _pretty) are built per request and cached in
//     process only.
//   - $expand and ValueSet/$validate-code: see below.
//   - Searches and the ValueSet read are small and cheap: in-process only.
//   - /metadata is bypassed: it reports when this process loaded its data,
//     which differs between replicas.
//
// In short: the default --redis-ops is "read", and no operation's hit path
// is slower than its miss path.
//
// # The front: a repeated GET without the engine
//
// Under load (scripts/load.sh, 16 connections), a local hit still cost a
// quarter of the server's CPU per answer in gin's chain of middleware
// (request id, access log, CORS, recovery, negotiation, query checks,
// metrics, the key, the LRU), and the code and data that chain touched
// between two syscalls made net/http's own work slower too: the same fixed
// body cost 20–40% more CPU served behind the chain than in front of it.
// So fhir.ResponseCache.Front remembers, for each GET it may replay, the
// exact answer the engine gave from a cache entry (status, headers, body),
// keyed by the request as sent: host, request URI and the four headers
// that can change an answer (Accept, Accept-Encoding, Accept-Language,
// X-Too-Costly-Threshold). A request with any other header but a few
// inert ones (User-Agent, Accept-Charset, Connection, Cache-Control,
// Pragma, Referer, X-Request-Id) goes to the engine, and so does every
// request while the server drains: CORS, conditionals, Prefer, sessions
// and forwarded hosts stay the engine's. Only requests whose every
// parameter is one the key knows are remembered, so junk parameters make
// no entry; the front's memory is bounded by a budget of its own (an
// eighth of --cache-size) in two generations of half each: when the
// current one fills it becomes the previous one, still answered from and
// moved back into the current one when asked for again, and the one before
// goes. A flood of distinct requests so cannot push out the answers in use
// (TestFrontKeepsAnswersInUse). A reload or the TTL empties both. The front adds a fresh X-Request-Id, counts the answer
// in the same metrics and logs it as the engine would.
//
// In process, a local hit through the engine takes 2.7–5.4 µs and 3
// allocations, through the front 0.63–0.89 µs and 2
// (BenchmarkCache/*/front-hit). Under load, docs/performance.md.
//
// On a kept-alive connection the front answers before net/http even
// parses the request (internal/connfront): the connection offers each
// request head that net/http would read as a plain GET to the front, keyed
// as above from the raw head, and writes the remembered answer itself.
// What was left of a hit's cost was net/http's own: the request and its
// header map, the handler's header map, the status line and headers
// written one by one; on the connection a hit is a scan of the head, the
// same table lookup and one write, and the server spends less CPU per
// answer than the bare net/http ceiling of docs/performance.md. Such an
// answer is counted as the front's everywhere, and apart in
// hcpcs_front_connection_answers_total.
//
// # $expand
//
// Measured after the value-set engine landed, with the same method (Redis
// PING 68 µs in that run):
//
//	operation                          no cache         miss            local hit       Redis hit
//	filter=wheelch, count=20 of 323    33 µs   32 KB    40 µs   39 KB   2.5 µs  1.3 KB  58 µs   12 KB
//	count=1000, offset=4000            0.50 ms 590 KB   0.65 ms 800 KB  2.5 µs  1.3 KB  0.50 ms 264 KB
//	all 8,846 codes, gzip              5.5 ms  6.3 MB   8.4 ms  8.6 MB  3.2 µs  1.2 KB  6.0 ms  2.6 MB
//	ValueSet/$validate-code, composed  9.4 µs  7.2 KB   12 µs   9.8 KB  2.7 µs  1.6 KB  76 µs   3.4 KB
//
// Even the whole release as one expansion computes (5.5 ms) about as fast
// as it comes back from a loopback Redis (6.0 ms: 2.6 MB to copy and
// decode), and a picker's page computes in a third of a round trip. So
// $expand is cached in process only; --redis-ops ...,expand sends it to
// Redis too, which pays only for expansions costlier than HCPCS's (a large
// code system supplied inline, say). Validation against a composed value
// set uses the snapshot's cache of compiled sets and stays, like every
// $validate-code, in process.
//
// # A slow Redis
//
// A Redis that is up but slow is worse than none if every request waits
// for it: 10–20 ms of latency under the 50 ms deadline cut throughput by
// 85–92%. So Redis keeps a moving average of its round trips, the
// middleware one of what the handlers take on each operation's misses,
// and a Redis slower than computing is not asked (Redis.SlowerThan), but
// for one sample a second that lets the average notice when it is fast
// again. The circuit breaker's probe has its own deadline (ProbeTimeout,
// 1 s) for dialling, the handshake and PING, so that a slow Redis closes
// the circuit again; before, a probe had the 50 ms of a call and a Redis
// slower than about 25 ms stayed out for good.
//
// Timeouts alone are not proof that Redis is down: at cold start the first
// reads of nine releases, rendering at once on two cores, starved the GETs
// of CPU (53–85 ms for a 50 ms deadline) and opened the circuit for a
// second on every start. After timeouts the circuit now opens quietly, and
// PINGs with a call's deadline close it as soon as one answers, for up to
// ProbeTimeout; only then, or after any other failure, is the outage
// announced and probed every ProbeInterval (Redis.trip).
//
// # Sentinel and Cluster failover
//
// A Sentinel group's failover is followed by go-redis's FailoverClient,
// which asks the Sentinels for the master on every dial. A Cluster client
// learns that a replica took over a dead master's slots only when it
// rereads the slot map, which go-redis does on MOVED replies and every
// 60 s; so a failed call on a Cluster asks it to reread at once (at most
// every 200 ms). Both are run, under load, against real processes by
// TestFaultSentinelFailover and TestFaultClusterFailover in
// cmd/hcpcs-server.
//
// # Keys
//
//	<prefix><fingerprint[:32]>:<op>:<hash>
//
// where prefix is --redis-prefix (default "hcpcs:"; Redis only), fingerprint
// is terminology.Snapshot.Fingerprint (a SHA-256 over every loaded release's
// version, source file names and concept data, and the supplementary code
// tables, and the loaded value sets), op is lookup, validate-code, read,
// search or expand, and hash is 128 bits
// of SHA-256 over:
//
//   - the software version (a new build may answer differently);
//   - for a search only, the public base URL (its links and fullUrls carry
//     it; a read's or an operation's answer does not, so a forwarded host
//     makes no new entry for them);
//   - the method and path;
//   - the query in canonical form: the raw name=value pairs of the
//     parameters the operation knows (fhir/cache_params.go: a read's
//     _summary, _elements and _pretty; a search's parameters; the inputs
//     of the FHIR and tx-ecosystem operations), sorted; unknown names
//     (?x=1, a cache-busting ?_=…), empty pairs and _format dropped. A
//     handler that looks up a name outside that list marks its request,
//     whose answer is then served but not stored, so that two answers can
//     never share a key;
//   - the POST body in canonical form: a Parameters resource parsed, its
//     known parameters sorted by name and then by their JSON (with object
//     keys sorted), re-marshalled and hashed; a form body sorted like a
//     query. The canonical digest of a body of 4 KB or more is remembered
//     by the SHA-256 of its bytes, so that a client resending the same
//     tx-resources (the HL7 validator) pays a hash of the bytes, not their
//     canonicalisation: a 53 KB POST went from 669 to 8,303 requests a
//     second at 16 connections (make load, vs-txresource);
//   - the response format (JSON: every spelling of it shares one entry;
//     XML is answered 406 and bypassed);
//   - the content coding: gzip or identity, as negotiated.
//
// So parameter order never matters, and versions, formats and encodings
// never share an entry. A reload that changes any data changes the
// fingerprint, and thereby every key: a stale answer cannot be served, and
// nothing has to be deleted. Old entries expire by TTL (--cache-ttl,
// default 24 h, in both tiers). Nothing here ever calls FLUSHALL or FLUSHDB,
// and the prefix lets several deployments share one Redis. A snapshot with
// the same data (a reload of the same files) has the same fingerprint and
// keeps its entries. An answer computed while a reload swapped the data is
// served but not stored.
//
// # What is stored
//
// Only deterministic answers: 200 and 404. A 404 (an unknown code, version
// or CodeSystem) is fully determined by the request and the data, and
// clients repeat their mistakes, so it is kept, but only in process: it is
// cheap, and keeping it out of Redis stops junk requests from filling the
// shared tier. 400, 405, 406, 413, 415 and 422 depend on how a request is
// malformed, are cheap, and are not stored; 5xx never are.
//
// An entry is the status, the headers that matter (Content-Type,
// Content-Encoding, ETag, Last-Modified, Cache-Control, Vary,
// Content-Location, Location) and the body. Per-request headers (the
// request id, CORS) are not stored. In Redis each value is framed by
// frame: a magic number, a CRC-32C and the length of the value, and the
// value gzip'd (BestSpeed) when it is 32 KiB or more and that saves an
// eighth (a 64 KiB sample is tried first, so gzip'd bodies are stored as
// they are). Below 32 KiB, compressing does not pay: inflating a 5 KB
// $lookup made its Redis hit take 41 µs instead of 25 µs.
//
// A request's Cache-Control (no-cache, no-store) is ignored. By
// construction of the key, a cached answer is the one the handler would
// compute now, so revalidating could not give a fresher answer. It would
// only let clients defeat the cache.
//
// # HTTP caching for clients and proxies
//
// Stored 200 answers carry an ETag (the handler's for a full CodeSystem
// read; otherwise W/ and 96 bits of SHA-256 of the body) and Vary "Accept,
// Accept-Encoding, Origin" unless the handler set its own. Cache-Control is
// not stored: each answer gets the policy of the process that serves it
// (fhir/httpcaching.go): "public, no-cache" (store, but revalidate with the
// ETag on every use) for an answer that depends on what is loaded, so that
// no proxy serves the old latest release after a reload, and "public,
// max-age=86400" for an answer about one named release. If-None-Match and If-Modified-Since are taken off
// the request before the handler runs, so that what is stored is always the
// full answer. They are then applied to that answer: 304 on hits and
// misses alike.
//
// # Concurrency
//
// Every cacheable request goes through a singleflight flight keyed by its
// cache key. Identical concurrent requests share one local lookup, one
// Redis lookup and at most one computation, and the flight ends only after
// storing its answer. A request's own conditionals still apply to the
// shared answer. If that answer is not storable (an error), each waiting
// request is computed on its own. Writes to Redis run off the request path;
// at most 64 are in flight, and more are dropped rather than queued.
//
// # Fail-open
//
// Redis makes the server faster and must never take it down:
//
//   - Every read and ping has a deadline (--redis-timeout, default 50 ms).
//     It covers connecting and waiting for a pooled connection. go-redis
//     retries nothing, so a hung Redis costs a request at most that.
//     Writes, off the request path, get ten times as long.
//   - Any error, a timeout, or a value that does not check out is a miss:
//     the answer is computed and served. An undecodable value (ErrCorrupt),
//     or a key of another type (WRONGTYPE), is overwritten by the write that
//     follows the miss.
//   - A circuit breaker counts consecutive failures. After 3 it opens:
//     calls return ErrUnavailable at once without touching the network
//     (counted in hcpcs_cache_redis_skipped_total), and a background probe
//     pings Redis every second until it answers, then closes the circuit.
//     No restart is needed. A failed Ping (at start, or from /readyz) opens
//     it at once. An error reply from a live Redis (WRONGTYPE, OOM) is
//     counted but does not open it. A call cancelled by its own client is
//     not counted at all.
//   - Errors are counted (hcpcs_cache_redis_errors_total by op and kind)
//     and logged at most once per 10 s, with the number suppressed since.
//     go-redis's own dial and pool messages go through the same limiter
//     (RouteClientLogs).
//   - A Redis that cannot be reached at start is not fatal; a malformed
//     --redis is.
//
// /readyz stays 200 without Redis and reports "redis": "up", "down" or "not
// configured", with the topology, addresses and last error.
//
// # Topologies
//
// --redis (REDIS_URL) selects one of go-redis's UniversalClients
// (ParseURL):
//
//	redis://[user:password@]host[:6379][/db]               one server
//	rediss://…                                              one server, TLS
//	redis-sentinel://[user:pw@]h1[:26379],h2,…[/db]?master=name[&sentinel_password=…]
//	rediss-sentinel://…                                     Sentinel, TLS to the nodes
//	redis-cluster://[user:pw@]h1:p1[,h2:p2…]                Cluster; one seed is enough
//	rediss-cluster://…                                      Cluster, TLS
//	h1:p1,h2:p2,…   or   redis://h1:p1,h2:p2                Cluster
//	host:port                                               one server
//
// Each form is tested against real processes (a server, a one-node Cluster,
// a Sentinel) by TestTopologies. Passwords are redacted in logs.
//
// # Metrics
//
//	hcpcs_cache_hits_total{tier}, hcpcs_cache_misses_total{tier}   local, redis (per lookup in the tier)
//	hcpcs_cache_local_bytes, hcpcs_cache_local_entries, hcpcs_cache_local_evictions_total
//	hcpcs_cache_redis_latency_seconds{op}                          get, set, ping
//	hcpcs_cache_redis_errors_total{op,kind}                        kind: timeout, error, corrupt
//	hcpcs_cache_redis_skipped_total{op}, hcpcs_cache_redis_circuit_open
//	hcpcs_cache_responses_total{op,x_cache}                        registered by serve: X-Cache per operation
//
// # Configuration
//
//	--cache-size    HCPCS_CACHE_SIZE     256MiB   local tier budget (keys, values, ~128 B per entry); 0: no local tier
//	--cache-ttl     HCPCS_CACHE_TTL      24h      expiry in both tiers
//	--redis         REDIS_URL            (none)   see Topologies; empty: local tier only
//	--redis-prefix  HCPCS_REDIS_PREFIX   hcpcs:   key namespace
//	--redis-timeout HCPCS_REDIS_TIMEOUT  50ms     deadline of each Redis read
//	--redis-ops     HCPCS_REDIS_OPS      read     operations whose answers go to Redis
//	                                              (read, lookup, validate-code, search, expand)
package cache
