package cache

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFrameRoundTrip(t *testing.T) {
	random := make([]byte, 100<<10)
	_, _ = rand.Read(random)
	for name, tc := range map[string]struct {
		value []byte
		gzip  bool
	}{
		"empty":                   {value: []byte{}},
		"small":                   {value: []byte(`{"resourceType":"Parameters"}`)},
		"large, compressible":     {value: bytes.Repeat([]byte(`{"code":"E0114","display":"Crutches"},`), 4000), gzip: true},
		"large, incompressible":   {value: random},
		"just below the treshold": {value: bytes.Repeat([]byte("a"), DefaultCompressMin-1)},
	} {
		t.Run(name, func(t *testing.T) {
			b := frame(tc.value, DefaultCompressMin)
			require.Equal(t, tc.gzip, b[4] == flagGzip)
			if tc.gzip {
				require.Less(t, len(b), len(tc.value)/4)
			}
			got, err := unframe(b)
			require.NoError(t, err)
			require.Equal(t, tc.value, got)
		})
	}
	b := frame(bytes.Repeat([]byte("a"), 1<<20), -1)
	require.Zero(t, b[4], "CompressMin < 0: never compressed")
}

func TestUnframeRejectsGarbage(t *testing.T) {
	value := bytes.Repeat([]byte(`{"code":"E0114"},`), 10000)
	gz := frame(value, DefaultCompressMin)
	raw := frame([]byte("a small value"), DefaultCompressMin)
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 0x40; return b }
	withLength := func(b []byte, n uint32) []byte { b = bytes.Clone(b); binary.BigEndian.PutUint32(b[9:], n); return b }
	for name, b := range map[string][]byte{
		"nil":                  nil,
		"text":                 []byte("not a cache entry at all"),
		"magic only":           []byte("HCX1"),
		"raw, flipped byte":    flip(raw, len(raw)-1),
		"raw, truncated":       raw[:len(raw)-2],
		"gzip, flipped byte":   flip(gz, len(gz)/2),
		"gzip, truncated":      gz[:len(gz)/2],
		"gzip, length short":   withLength(gz, uint32(len(value)-1)),
		"gzip, length long":    withLength(gz, uint32(len(value)+1)),
		"gzip, length too big": withLength(gz, 1<<31),
		"unknown flags":        flip(raw, 4),
	} {
		_, err := unframe(b)
		require.ErrorIs(t, err, ErrCorrupt, name)
	}
}

// FuzzUnframe: no stored value, however mangled, makes unframe panic, and
// whatever it accepts is what frame wrote.
func FuzzUnframe(f *testing.F) {
	f.Add(frame([]byte("hello"), DefaultCompressMin))
	f.Add(frame(bytes.Repeat([]byte("hello "), 20000), DefaultCompressMin))
	f.Add([]byte("HCX1\x01\x00\x00\x00\x00\x00\x00\x00\x05"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := unframe(b)
		if err != nil {
			return
		}
		again, err := unframe(frame(v, DefaultCompressMin))
		require.NoError(t, err)
		require.Equal(t, v, again)
	})
}
