// Package movingavg is an exponentially weighted moving average of
// durations, safe for concurrent use without a lock: the Redis tier keeps
// one of its round trips and the response cache one of each operation's
// compute time, to judge whether asking Redis pays. It imports only the
// standard library.
package movingavg
