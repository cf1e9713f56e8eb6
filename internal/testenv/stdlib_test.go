package testenv

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// recordingTB records what a helper reports instead of failing the test.
type recordingTB struct {
	testing.TB
	failures []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// TestStandardLibraryOnlyCatches: the check fails a package that depends on
// another module, and passes one that does not.
func TestStandardLibraryOnlyCatches(t *testing.T) {
	run := func(importPath, knownStd string) []string {
		rec := &recordingTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			StandardLibraryOnly(rec, importPath, knownStd)
		}()
		<-done
		return rec.failures
	}
	failures := run("github.com/hcpcs-server/hcpcs-server/cache", "context")
	if !strings.Contains(strings.Join(failures, "\n"), "github.com/redis/go-redis/v9") {
		t.Errorf("the cache package, which imports go-redis, passed: %v", failures)
	}
	if failures := run("github.com/hcpcs-server/hcpcs-server/internal/movingavg", "sync/atomic"); len(failures) > 0 {
		t.Errorf("a standard-library package failed: %v", failures)
	}
	if failures := run("github.com/hcpcs-server/hcpcs-server/internal/movingavg", "net/http"); len(failures) == 0 {
		t.Error("a standard package the package does not import was taken as listed")
	}
}
