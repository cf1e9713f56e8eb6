//go:build race

package main

// floodCount is the number of distinct junk URLs of the cache flood
// (TestHostileCacheFlood). With -race, as `make test` runs it, the server
// answered 1,500 to 6,000 of them a second on a 2-core machine, depending
// on what else ran (200,000 took 98 s once, 100,000 67 s, 60,000 10 to
// 12 s), so the flood sends 60,000 to stay under ~60 s at the slowest;
// hostile_flood_norace_test.go sends the 200,000 of issue 9 §5 (17 s).
const floodCount = 60_000
