package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/hcpcs-server/hcpcs-server/internal/movingavg"
	"github.com/hcpcs-server/hcpcs-server/internal/ratelog"
)

// ErrUnavailable is returned without calling Redis while the circuit
// breaker is open.
var ErrUnavailable = errors.New("cache: redis unavailable (circuit open)")

// Defaults of Config.
const (
	DefaultTimeout          = 50 * time.Millisecond
	DefaultCompressMin      = 32 << 10
	DefaultFailureThreshold = 3
	DefaultProbeInterval    = time.Second
	DefaultProbeTimeout     = time.Second
	DefaultLogEvery         = 10 * time.Second
)

// Config configures the Redis tier. Zero fields take the defaults above.
type Config struct {
	// URL selects the server and topology; see ParseURL.
	URL string
	// Prefix namespaces every key, so that one Redis can serve several
	// deployments (and tests) side by side.
	Prefix string
	// TTL is the expiry of every entry written. It must be positive.
	TTL time.Duration
	// Timeout bounds every read and ping, including connecting and queueing
	// for a pooled connection: a slow Redis costs a request at most this.
	Timeout time.Duration
	// WriteTimeout bounds writes, which run off the request path; default
	// ten times Timeout.
	WriteTimeout time.Duration
	// CompressMin is the size from which values are gzip'd (when that
	// saves at least an eighth); negative: never.
	CompressMin int
	// FailureThreshold consecutive failed calls open the circuit breaker.
	FailureThreshold int
	// ProbeInterval is how often an open circuit pings Redis to close again.
	ProbeInterval time.Duration
	// ProbeTimeout bounds one probe: dialling, the handshake and PING. It
	// is longer than Timeout, so that a Redis that is up but slow closes
	// the circuit again (whether it is then worth asking is SlowerThan's
	// question). Default DefaultProbeTimeout.
	ProbeTimeout time.Duration
	// LogEvery is the least time between two logged errors; the ones in
	// between are counted and reported with the next.
	LogEvery time.Duration
	Logger   *slog.Logger
	Metrics  *Metrics
}

// Redis is the shared tier: a fail-open client for one Redis server,
// Sentinel group or Cluster. Every call has a short deadline; failures are
// counted, logged with rate limiting and fed to a circuit breaker which,
// once open, answers ErrUnavailable at once while a background probe pings
// Redis until it answers. It never calls FLUSHALL or FLUSHDB.
//
// Values are checked and, when large, compressed (see frame). Values
// returned by Get are fresh and may be kept.
type Redis struct {
	client redis.UniversalClient
	mode   Mode
	addrs  []string
	cfg    Config
	m      *Metrics
	log    *slog.Logger
	errLog *ratelog.Logger

	failures atomic.Int32
	open     atomic.Bool
	// announced is whether the open circuit was reported as an outage
	// (announce); an open circuit not announced is checking timeouts.
	announced atomic.Bool
	lastErr   atomic.Pointer[string]
	// latency is a moving average of successful round trips (ns), and
	// lastSample when a caller last went to Redis although it looked slow.
	latency    movingavg.Duration
	samples    atomic.Int32
	lastSample atomic.Int64

	mu     sync.Mutex // guards closed and the start of probes
	closed bool
	done   chan struct{}
	wg     sync.WaitGroup
}

// New returns the Redis tier for cfg. It does not connect: the first call
// (or Ping) does.
func New(cfg Config) (*Redis, error) {
	opts, mode, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.TTL <= 0 {
		return nil, fmt.Errorf("cache: TTL must be positive, not %v", cfg.TTL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * cfg.Timeout
	}
	if cfg.CompressMin == 0 {
		cfg.CompressMin = DefaultCompressMin
	}
	if cfg.FailureThreshold <= 0 {
		cfg.FailureThreshold = DefaultFailureThreshold
	}
	if cfg.ProbeInterval <= 0 {
		cfg.ProbeInterval = DefaultProbeInterval
	}
	if cfg.ProbeTimeout <= 0 {
		cfg.ProbeTimeout = DefaultProbeTimeout
	}
	if cfg.LogEvery <= 0 {
		cfg.LogEvery = DefaultLogEvery
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	// Deadlines come from each call's context. go-redis must neither retry
	// (a retry doubles the worst case) nor wait longer than a call may.
	opts.ContextTimeoutEnabled = true
	opts.MaxRetries = -1
	opts.DialerRetries = 1
	opts.DialTimeout = cfg.WriteTimeout
	opts.ReadTimeout = cfg.WriteTimeout
	opts.WriteTimeout = cfg.WriteTimeout
	opts.PoolTimeout = cfg.Timeout
	opts.DisableIdentity = true // no CLIENT SETINFO round trip on connect
	opts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	log := cfg.Logger.With("component", "redis-cache", "mode", string(mode), "addrs", opts.Addrs)
	r := &Redis{
		client: redis.NewUniversalClient(opts),
		mode:   mode,
		addrs:  opts.Addrs,
		cfg:    cfg,
		m:      cfg.Metrics,
		log:    log,
		errLog: ratelog.New(log, cfg.LogEvery),
		done:   make(chan struct{}),
	}
	return r, nil
}

// Get returns the value under key: (nil, nil) when there is none, and an
// error (wrapping ErrCorrupt for a value that does not check out) when
// Redis cannot answer. Either way the caller computes the response.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, error) {
	if !r.allow("get") {
		r.m.redisMiss.Inc()
		return nil, ErrUnavailable
	}
	cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	start := time.Now()
	s, err := r.client.Get(cctx, r.cfg.Prefix+key).Result()
	cancel()
	took := time.Since(start)
	r.m.redisGetTiming.Observe(took.Seconds())
	switch {
	case errors.Is(err, redis.Nil):
		r.observeLatency(took)
		r.succeeded()
		r.m.redisMiss.Inc()
		return nil, nil
	case err != nil:
		r.m.redisMiss.Inc()
		r.failed(ctx, "get", err)
		return nil, err
	}
	r.observeLatency(took)
	r.succeeded()
	v, err := unframe([]byte(s))
	if err != nil {
		r.m.redisMiss.Inc()
		r.m.redisErrors.WithLabelValues("get", "corrupt").Inc()
		r.errLog.Warn("redis entry ignored; it will be overwritten", "key", r.cfg.Prefix+key, "err", err)
		return nil, err
	}
	r.m.redisHit.Inc()
	return v, nil
}

// Set stores value under key with the configured TTL, replacing whatever
// is there.
func (r *Redis) Set(ctx context.Context, key string, value []byte) error {
	if !r.allow("set") {
		return ErrUnavailable
	}
	b := frame(value, r.cfg.CompressMin)
	if b == nil {
		return fmt.Errorf("cache: value of %d bytes is too large", len(value))
	}
	cctx, cancel := context.WithTimeout(ctx, r.cfg.WriteTimeout)
	start := time.Now()
	err := r.client.Set(cctx, r.cfg.Prefix+key, b, r.cfg.TTL).Err()
	cancel()
	r.m.redisSetTiming.Observe(time.Since(start).Seconds())
	if err != nil {
		r.failed(ctx, "set", err)
		return err
	}
	r.succeeded()
	return nil
}

// Ping checks Redis now. A failed Ping opens the circuit at once (after a
// timeout quietly at first: see trip). With the circuit open it returns
// ErrUnavailable without calling Redis; the probe is already running.
func (r *Redis) Ping(ctx context.Context) error {
	if !r.allow("ping") {
		return ErrUnavailable
	}
	cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	start := time.Now()
	err := r.client.Ping(cctx).Err()
	cancel()
	r.m.redisLatency.WithLabelValues("ping").Observe(time.Since(start).Seconds())
	if err != nil {
		if ctx.Err() == nil {
			r.m.redisErrors.WithLabelValues("ping", errorKind(err)).Inc()
			r.setLastErr(err)
			r.trip(err)
		}
		return err
	}
	r.succeeded()
	return nil
}

// observeLatency folds one successful round trip into the moving average
// (weight 1/8). The first after a start or an outage is left out: it
// usually paid for dialling.
func (r *Redis) observeLatency(d time.Duration) {
	if r.samples.Add(1) == 1 {
		return
	}
	r.latency.Observe(d)
}

// Latency is the moving average of successful round trips; 0 before the
// first.
func (r *Redis) Latency() time.Duration { return r.latency.Load() }

// minSamples round trips are seen before Redis is judged slow.
const minSamples = 3

// sampleEvery is how often a caller goes to a Redis that looks too slow
// anyway, so that the average learns when it is fast again.
const sampleEvery = time.Second

// SlowerThan reports whether a round trip is expected to take longer than
// d (what the caller would spend computing the answer instead), so that
// asking Redis does not pay. It answers false once per sampleEvery even
// then, so that a Redis that became fast again is noticed; the calls it
// saves are counted as skipped (op "slow").
func (r *Redis) SlowerThan(d time.Duration) bool {
	if r.samples.Load() < minSamples || r.latency.Load() <= d {
		return false
	}
	now := time.Now().UnixNano()
	last := r.lastSample.Load()
	if now-last >= int64(sampleEvery) && r.lastSample.CompareAndSwap(last, now) {
		return false
	}
	r.m.redisSkipped.WithLabelValues("slow").Inc()
	return true
}

// State describes the Redis tier for /readyz.
type State struct {
	Mode  Mode     `json:"mode"`
	Addrs []string `json:"addrs"`
	// Up is false while the circuit is open.
	Up bool `json:"up"`
	// Checking is true while the circuit is open on timeouts alone and
	// PINGs ask whether Redis answers in time: no outage is announced (yet).
	Checking bool `json:"checking,omitempty"`
	// LastError is the last failure seen, if any.
	LastError string `json:"lastError,omitempty"`
}

// State reports the breaker's view of Redis without calling it.
func (r *Redis) State() State {
	open := r.open.Load()
	st := State{Mode: r.mode, Addrs: r.addrs, Up: !open, Checking: open && !r.announced.Load()}
	if e := r.lastErr.Load(); e != nil {
		st.LastError = *e
	}
	return st
}

// Close stops the probe and closes the connections.
func (r *Redis) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.done)
	r.mu.Unlock()
	r.wg.Wait()
	return r.client.Close()
}

// allow reports whether a call may go to Redis (the circuit is closed).
func (r *Redis) allow(op string) bool {
	if r.open.Load() {
		r.m.redisSkipped.WithLabelValues(op).Inc()
		return false
	}
	return true
}

func (r *Redis) succeeded() {
	if r.failures.Load() != 0 {
		r.failures.Store(0)
	}
}

// failed records a failed call. A call cancelled by its caller is not
// Redis's fault and is not counted. An error reply (WRONGTYPE, OOM, …)
// shows that Redis is up: it is counted and logged but does not count
// towards opening the circuit.
func (r *Redis) failed(parent context.Context, op string, err error) {
	if parent.Err() != nil {
		return
	}
	kind := errorKind(err)
	r.m.redisErrors.WithLabelValues(op, kind).Inc()
	r.setLastErr(err)
	r.errLog.Warn("redis call failed; serving without it", "op", op, "kind", kind, "err", err)
	var reply redis.Error
	if errors.As(err, &reply) && !isTimeout(err) {
		return
	}
	r.reloadSlots()
	if int(r.failures.Add(1)) >= r.cfg.FailureThreshold {
		r.trip(err)
	}
}

// reloadSlots has a Cluster client read the slot map again after a call
// failed: go-redis does so by itself only on MOVED and READONLY replies and
// every 60 s, so after a master died it kept sending that master's slots to
// the dead node for up to a minute after a replica had taken them over
// (TestFaultClusterFailover). go-redis runs one reload at a time, at most
// one every 200 ms.
func (r *Redis) reloadSlots() {
	if c, ok := r.client.(*redis.ClusterClient); ok {
		c.ReloadState(context.Background())
	}
}

func (r *Redis) setLastErr(err error) {
	s := err.Error()
	r.lastErr.Store(&s)
}

// trip opens the circuit, once, and starts what closes it again.
//
// A timeout is not proof that Redis is down: this process may not have run
// in time. At cold start, the first reads of nine releases rendering at once
// starved the calls of CPU and tripped the breaker for a second, every
// start, although Redis answered in well under a millisecond. So when
// timeouts trip it, the circuit opens quietly: calls skip Redis while, for
// up to ProbeTimeout, PINGs with a call's own deadline ask whether Redis
// answers in time; the first that does closes the circuit again. Only when
// none does, or after any other failure (a refused connection), is the
// outage announced (log, metric) and probed every ProbeInterval. A Redis
// that answers but slower than a call may wait is announced too, a second
// later.
func (r *Redis) trip(cause error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || !r.open.CompareAndSwap(false, true) {
		return
	}
	timeout := isTimeout(cause)
	if !timeout {
		r.announce(cause)
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if timeout {
			if r.answersInTime() {
				r.failures.Store(0)
				r.open.Store(false)
				r.log.Info("redis calls timed out, but it answers in time: not an outage, circuit closed again", "err", cause)
				return
			}
			select {
			case <-r.done:
				return
			default:
			}
			r.announce(cause)
		}
		r.probe()
	}()
}

// announce reports an open circuit.
func (r *Redis) announce(cause error) {
	r.announced.Store(true)
	r.m.circuitOpen.Set(1)
	r.log.Warn("redis unavailable: circuit open, serving without it and probing", "err", cause, "probe_every", r.cfg.ProbeInterval.String())
}

// answersInTime PINGs Redis, each time with a call's deadline, until one
// answers or ProbeTimeout has passed.
func (r *Redis) answersInTime() bool {
	end := time.Now().Add(r.cfg.ProbeTimeout)
	t := time.NewTicker(r.cfg.Timeout)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), r.cfg.Timeout)
		start := time.Now()
		err := r.client.Ping(ctx).Err()
		cancel()
		r.m.redisLatency.WithLabelValues("ping").Observe(time.Since(start).Seconds())
		if err == nil {
			return true
		}
		r.m.redisErrors.WithLabelValues("ping", errorKind(err)).Inc()
		if !isTimeout(err) || time.Now().After(end) {
			return false
		}
		select {
		case <-r.done:
			return false
		case <-t.C:
		}
	}
}

// probe pings Redis every ProbeInterval until it answers, then closes the
// circuit.
func (r *Redis) probe() {
	t := time.NewTicker(r.cfg.ProbeInterval)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), r.cfg.ProbeTimeout)
		start := time.Now()
		err := r.client.Ping(ctx).Err()
		cancel()
		took := time.Since(start)
		r.m.redisLatency.WithLabelValues("ping").Observe(took.Seconds())
		if err != nil {
			r.m.redisErrors.WithLabelValues("ping", errorKind(err)).Inc()
			r.setLastErr(err)
			continue
		}
		// Up, perhaps slow: the average starts again with the next call
		// (this round trip included dialling).
		r.latency.Reset()
		r.samples.Store(0)
		r.failures.Store(0)
		r.announced.Store(false)
		r.open.Store(false)
		r.m.circuitOpen.Set(0)
		r.log.Info("redis is back: circuit closed")
		return
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func errorKind(err error) string {
	if isTimeout(err) {
		return "timeout"
	}
	return "error"
}

// RouteClientLogs sends go-redis's own log lines (dial and pool errors,
// which it otherwise prints to stderr on every failed connection) to log,
// rate-limited like the cache's. go-redis has one logger per process, so
// only the main program calls this.
func RouteClientLogs(log *slog.Logger, every time.Duration) {
	redis.SetLogger(&clientLogger{l: ratelog.New(log.With("component", "go-redis"), every)})
}

type clientLogger struct{ l *ratelog.Logger }

func (c *clientLogger) Printf(_ context.Context, format string, v ...any) {
	c.l.Warn(fmt.Sprintf(format, v...))
}
