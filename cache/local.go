package cache

import (
	"container/list"
	"sync"
	"time"
)

// entryOverhead approximates what one entry costs beyond its key and value
// (list element, map slot, headers), so that many tiny entries cannot
// overrun the budget.
const entryOverhead = 128

// Local is the in-process tier: an LRU bounded by bytes (keys, the size the
// caller gives each value, and a fixed per-entry overhead) whose entries
// also expire after a TTL. A value larger than half the budget is not
// kept. It is safe for concurrent use.
//
// Values are any Go value, so that a caller keeps what it serves from
// without decoding it on every hit; they are shared, not copied: callers
// must not modify a value after Set or one returned by Get. The size given
// must be what the value really holds in memory (for a slice, its
// capacity), or the budget is a fiction.
type Local struct {
	maxBytes int64
	ttl      time.Duration
	m        *Metrics
	now      func() time.Time

	mu    sync.Mutex
	ll    *list.List // front = most recently used
	items map[string]*list.Element
	bytes int64
}

type localEntry struct {
	key     string
	value   any
	expires time.Time // zero: never
	cost    int64
}

// NewLocal returns a local tier holding at most maxBytes; ttl <= 0 means
// entries only leave by eviction. m may be nil.
func NewLocal(maxBytes int64, ttl time.Duration, m *Metrics) *Local {
	if m == nil {
		m = NewMetrics(nil)
	}
	return &Local{maxBytes: maxBytes, ttl: ttl, m: m, now: time.Now, ll: list.New(), items: map[string]*list.Element{}}
}

// Get returns the value under key, if present and not expired.
func (l *Local) Get(key string) (any, bool) {
	l.mu.Lock()
	el, ok := l.items[key]
	if ok {
		e := el.Value.(*localEntry)
		if !e.expires.IsZero() && !l.now().Before(e.expires) {
			l.remove(el)
			ok = false
		} else {
			l.ll.MoveToFront(el)
			l.mu.Unlock()
			l.m.localHit.Inc()
			return e.value, true
		}
	}
	l.mu.Unlock()
	l.m.localMiss.Inc()
	return nil, false
}

// Set stores value, which holds size bytes, under key, evicting the least
// recently used entries to stay within the budget.
func (l *Local) Set(key string, value any, size int64) {
	cost := int64(len(key)) + size + entryOverhead
	if cost > l.maxBytes/2 {
		return
	}
	e := &localEntry{key: key, value: value, cost: cost}
	if l.ttl > 0 {
		e.expires = l.now().Add(l.ttl)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.items[key]; ok {
		l.remove(el)
	}
	l.items[key] = l.ll.PushFront(e)
	l.bytes += cost
	for l.bytes > l.maxBytes {
		l.remove(l.ll.Back())
		l.m.evictions.Inc()
	}
	l.m.localBytes.Set(float64(l.bytes))
	l.m.localEntries.Set(float64(len(l.items)))
}

// remove drops one element; l.mu must be held.
func (l *Local) remove(el *list.Element) {
	e := l.ll.Remove(el).(*localEntry)
	delete(l.items, e.key)
	l.bytes -= e.cost
	l.m.localBytes.Set(float64(l.bytes))
	l.m.localEntries.Set(float64(len(l.items)))
}

// Len returns the number of entries held, expired ones included until
// they are next looked up or evicted.
func (l *Local) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.items)
}

// Bytes returns the budget used.
func (l *Local) Bytes() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bytes
}
