package movingavg

import (
	"sync/atomic"
	"time"
)

// Duration is a moving average of durations with weight 1/8 for each new
// one; the zero value is empty. The first observation is taken whole.
type Duration struct{ ns atomic.Int64 }

// Observe folds d into the average.
func (a *Duration) Observe(d time.Duration) {
	for {
		old := a.ns.Load()
		next := int64(d)
		if old != 0 {
			next = old + (int64(d)-old)/8
		}
		if a.ns.CompareAndSwap(old, next) {
			return
		}
	}
}

// Load is the average; 0 before the first observation.
func (a *Duration) Load() time.Duration { return time.Duration(a.ns.Load()) }

// Reset empties the average.
func (a *Duration) Reset() { a.ns.Store(0) }
