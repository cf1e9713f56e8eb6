// Package redistest runs throwaway redis-server processes for tests: each
// test gets its own server on a free port, which it can stop and start again
// on the same port to play an outage, and which is killed when the test ends.
// Besides a plain server it starts every topology the cache supports as
// real processes: a one-node Cluster and a Sentinel, and, for failover
// tests, a Cluster of several masters each with a replica
// (StartShardedCluster) and a master, a replica and three Sentinels
// (StartSentinelGroup), which fail over on their own when a master is
// killed.
//
// The redis-server binary is taken from $REDIS_SERVER or the PATH; a missing
// binary fails the test, it never skips. Sentinels run as redis-server
// --sentinel, so Debian's redis-sentinel package is not needed.
package redistest
