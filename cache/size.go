package cache

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseSize reads a size in bytes: a plain number, or one with a unit —
// B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), case
// insensitive, e.g. "256MiB", "64MB", "1gib", "0".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]int64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}[unit]
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || mult == 0 || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: want a number of bytes, optionally with B, KB, MB, GB, KiB, MiB or GiB", s)
	}
	return n * mult, nil
}
