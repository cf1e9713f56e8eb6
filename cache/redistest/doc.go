// Package redistest runs throwaway redis-server processes for tests: each
// test gets its own server on a free port, which it can stop and start again
// on the same port to play an outage, and which is killed when the test ends.
// Besides a plain server it starts a one-node Cluster and a Sentinel, so
// that every topology the cache supports runs against real processes.
//
// The redis-server binary is taken from $REDIS_SERVER or the PATH; a missing
// binary fails the test, it never skips.
package redistest
