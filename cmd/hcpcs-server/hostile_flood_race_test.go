//go:build race

package main

// floodCount is the number of distinct junk URLs of the cache flood
// (TestHostileCacheFlood). With -race, as `make test` runs it, the server
// answers 1,500 to 2,000 of them a second on a 2-core machine (100,000 took
// 67 s, 200,000 98 s), so the flood sends 60,000 to stay under ~60 s with
// the start of the server; hostile_flood_norace_test.go sends the 200,000
// of issue 9 §5 (17 s).
const floodCount = 60_000
