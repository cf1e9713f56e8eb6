package cache

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// ErrCorrupt is returned by Redis.Get for a value that is not one this
// package wrote, or that does not check out: the caller treats it as a miss
// and overwrites it.
var ErrCorrupt = errors.New("cache: corrupt entry")

// A value is stored in Redis framed:
//
//	"HCX1"  magic and format version                          4 bytes
//	flags   bit 0: payload is gzip                            1 byte
//	crc     CRC-32 (Castagnoli) of the value, uncompressed    4 bytes
//	length  length of the value, uncompressed                 4 bytes
//	payload the value, or its gzip
//
// The checksum catches garbage, truncation and values written by something
// else under our keys; the length bounds decompression.
const (
	frameMagic   = "HCX1"
	frameHeader  = len(frameMagic) + 1 + 4 + 4
	flagGzip     = 1
	maxFrameSize = 1 << 30
	// sampleSize is how much of a value is compressed first to decide
	// whether compressing all of it pays: gzip'd bodies and other
	// incompressible data are stored as they are.
	sampleSize = 64 << 10
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

var gzipReaders sync.Pool

// frame wraps value for storage, compressing it when it is at least
// compressMin bytes (0: never) and compresses to at most 7/8 of its size.
func frame(value []byte, compressMin int) []byte {
	if len(value) > maxFrameSize {
		return nil
	}
	var hdr [frameHeader]byte
	copy(hdr[:], frameMagic)
	binary.BigEndian.PutUint32(hdr[5:], crc32.Checksum(value, castagnoli))
	binary.BigEndian.PutUint32(hdr[9:], uint32(len(value)))
	if compressMin > 0 && len(value) >= compressMin && compressible(value) {
		buf := bytes.NewBuffer(make([]byte, 0, frameHeader+len(value)/4))
		buf.Write(hdr[:])
		w := gzipWriters.Get().(*gzip.Writer)
		w.Reset(buf)
		_, _ = w.Write(value)
		_ = w.Close()
		gzipWriters.Put(w)
		if out := buf.Bytes(); len(out)-frameHeader <= len(value)*7/8 {
			out[4] = flagGzip
			return out
		}
	}
	out := make([]byte, frameHeader+len(value))
	copy(out, hdr[:])
	copy(out[frameHeader:], value)
	return out
}

// compressible compresses a sample of value and reports whether it shrank
// by at least a quarter.
func compressible(value []byte) bool {
	sample := value[:min(len(value), sampleSize)]
	var buf bytes.Buffer
	w := gzipWriters.Get().(*gzip.Writer)
	w.Reset(&buf)
	_, _ = w.Write(sample)
	_ = w.Close()
	gzipWriters.Put(w)
	return buf.Len() <= len(sample)*3/4
}

// unframe checks and unwraps a stored value.
func unframe(b []byte) ([]byte, error) {
	if len(b) < frameHeader || string(b[:4]) != frameMagic {
		return nil, fmt.Errorf("%w: no %s header", ErrCorrupt, frameMagic)
	}
	flags, sum, n := b[4], binary.BigEndian.Uint32(b[5:]), int(binary.BigEndian.Uint32(b[9:]))
	payload := b[frameHeader:]
	var value []byte
	switch flags {
	case 0:
		value = payload
	case flagGzip:
		if n > maxFrameSize {
			return nil, fmt.Errorf("%w: length %d", ErrCorrupt, n)
		}
		var r *gzip.Reader
		if pr, ok := gzipReaders.Get().(*gzip.Reader); ok {
			r = pr
			if err := r.Reset(bytes.NewReader(payload)); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
		} else {
			var err error
			if r, err = gzip.NewReader(bytes.NewReader(payload)); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
		}
		value = make([]byte, n)
		_, err := io.ReadFull(r, value)
		if err == nil {
			// The stream must end exactly at n bytes.
			var one [1]byte
			if k, _ := r.Read(one[:]); k != 0 {
				err = errors.New("longer than its length")
			}
		}
		gzipReaders.Put(r)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	default:
		return nil, fmt.Errorf("%w: flags %#x", ErrCorrupt, flags)
	}
	if len(value) != n || crc32.Checksum(value, castagnoli) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	return value, nil
}
