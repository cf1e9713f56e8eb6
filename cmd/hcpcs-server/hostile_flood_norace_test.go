//go:build !race

package main

// floodCount is the number of distinct junk URLs of the cache flood
// (TestHostileCacheFlood): the 200,000 of issue 9 §5. Under -race it is
// smaller (hostile_flood_race_test.go).
const floodCount = 200_000
