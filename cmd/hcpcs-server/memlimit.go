package main

import (
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// cgroupMemoryMax is where cgroup v2 says how much memory the container may
// use.
const cgroupMemoryMax = "/sys/fs/cgroup/memory.max"

// memoryLimitShare is the part of the container's memory the Go heap is
// held to: the rest is for stacks, the kept renderings' slack and the
// kernel's buffers, so that the collector works harder before the kernel
// kills the process.
const memoryLimitShare = 0.8

// setMemoryLimit gives the Go runtime a soft memory limit from the
// container's when GOMEMLIMIT does not set one (the runtime reads that
// itself). Without it, the heap of a warm replica after reloads grew to
// 830–855 MiB under a 1 GiB container limit. It returns the limit set, 0
// for none.
func setMemoryLimit(getenv func(string) string, cgroupFile string, log *slog.Logger) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return 0
	}
	limit, ok := readCgroupLimit(cgroupFile)
	if !ok {
		return 0
	}
	soft := int64(float64(limit) * memoryLimitShare)
	debug.SetMemoryLimit(soft)
	log.Info("memory limit", "container_bytes", limit, "go_soft_limit_bytes", soft, "from", cgroupFile)
	return soft
}

// readCgroupLimit reads a cgroup v2 memory.max: a byte count, or "max" for
// none.
func readCgroupLimit(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}
