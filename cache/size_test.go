package cache_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1024": 1024, "256MiB": 256 << 20, "64MB": 64e6, "1 GiB": 1 << 30, "10kb": 10e3, "7B": 7, " 2mib ": 2 << 20,
	} {
		got, err := cache.ParseSize(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "MiB", "-1", "1.5GiB", "12 parsecs", "99999999999GiB"} {
		_, err := cache.ParseSize(in)
		require.Error(t, err, in)
	}
}
