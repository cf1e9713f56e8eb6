package movingavg

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDuration(t *testing.T) {
	var a Duration
	require.Zero(t, a.Load())
	a.Observe(80 * time.Millisecond)
	require.Equal(t, 80*time.Millisecond, a.Load(), "the first is taken whole")
	a.Observe(0)
	require.Equal(t, 70*time.Millisecond, a.Load(), "then each weighs an eighth")
	for range 100 {
		a.Observe(time.Millisecond)
	}
	require.InDelta(t, float64(time.Millisecond), float64(a.Load()), float64(10*time.Microsecond))
	a.Reset()
	require.Zero(t, a.Load())

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				a.Observe(time.Second)
			}
		})
	}
	wg.Wait()
	require.Equal(t, time.Second, a.Load(), "concurrent observations lose none of the value")
}
