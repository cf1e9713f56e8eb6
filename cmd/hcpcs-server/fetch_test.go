package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fetchTestZip stands in for a CMS release ZIP: the fetcher never looks
// inside.
var fetchTestZip = []byte("PK\x03\x04 not really a zip, but bytes the fetcher must copy exactly\n")

func fetchTestSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fetchServer serves files by path and records the paths requested.
type fetchServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
	agents   []string
}

func newFetchServer(t *testing.T, files map[string][]byte) *fetchServer {
	t.Helper()
	fsrv := &fetchServer{}
	fsrv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fsrv.mu.Lock()
		fsrv.requests = append(fsrv.requests, r.URL.Path)
		fsrv.agents = append(fsrv.agents, r.UserAgent())
		fsrv.mu.Unlock()
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	t.Cleanup(fsrv.Close)
	return fsrv
}

func (s *fetchServer) paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// runFetchTest runs the subcommand with only the given environment.
func runFetchTest(ctx context.Context, env map[string]string, args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = runFetch(ctx, args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// listTree lists every file and directory below dir, hidden ones included,
// as slash-separated relative paths.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var got []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		got = append(got, filepath.ToSlash(rel))
		return nil
	})
	require.NoError(t, err)
	return got
}

// requireNoTemp fails if a temporary download is left anywhere below dir.
func requireNoTemp(t *testing.T, dir string) {
	t.Helper()
	for _, p := range listTree(t, dir) {
		require.False(t, strings.HasSuffix(p, ".tmp"), "temporary file left behind: %s", p)
	}
}

// setFetchNow fixes the clock for one test.
func setFetchNow(t *testing.T, at time.Time) {
	t.Helper()
	old := now
	now = func() time.Time { return at }
	t.Cleanup(func() { now = old })
}

func TestFetchDownloadsRelease(t *testing.T) {
	const name = "october-2025-alpha-numeric-hcpcs-file.zip"
	srv := newFetchServer(t, map[string][]byte{"/files/zip/" + name: fetchTestZip})
	dir := t.TempDir()

	stdout, stderr, err := runFetchTest(t.Context(), nil, "--data-dir", dir, "--base-url", srv.URL+"/files/zip/", "2025-10")
	require.NoError(t, err)
	require.Empty(t, stderr, "no progress bar when stderr is not a terminal")

	got, err := os.ReadFile(filepath.Join(dir, "2025-10", name))
	require.NoError(t, err)
	require.Equal(t, fetchTestZip, got)
	require.Equal(t, []string{"2025-10", "2025-10/" + name}, listTree(t, dir))

	want := "fetched " + filepath.Join(dir, "2025-10", name) + " (" + strconv.Itoa(len(fetchTestZip)) +
		" bytes, sha256 " + fetchTestSum(fetchTestZip) + ")\n"
	require.Equal(t, want, stdout)

	fi, err := os.Stat(filepath.Join(dir, "2025-10", name))
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o644), fi.Mode().Perm())

	srv.mu.Lock()
	defer srv.mu.Unlock()
	require.Equal(t, []string{"/files/zip/" + name}, srv.requests)
	require.Len(t, srv.agents, 1)
	require.True(t, strings.HasPrefix(srv.agents[0], "hcpcs-server/"), "User-Agent %q", srv.agents[0])
}

func TestFetchDataDirAndBaseURLFromEnv(t *testing.T) {
	const name = "january-2024-alpha-numeric-hcpcs-file.zip"
	srv := newFetchServer(t, map[string][]byte{"/cms/" + name: fetchTestZip})
	envDir, flagDir := t.TempDir(), t.TempDir()

	tests := []struct {
		name    string
		args    []string
		wantDir string
	}{
		{"env only", []string{"2024-01"}, envDir},
		{"flag wins over env", []string{"--data-dir", flagDir, "2024-01"}, flagDir},
		{"flag after argument", []string{"2024-01", "--data-dir=" + flagDir, "--force"}, flagDir},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HCPCS_DATA_DIR": envDir, "HCPCS_FETCH_BASE_URL": srv.URL + "/cms"}
			_, _, err := runFetchTest(t.Context(), env, tc.args...)
			require.NoError(t, err)
			got, err := os.ReadFile(filepath.Join(tc.wantDir, "2024-01", name))
			require.NoError(t, err)
			require.Equal(t, fetchTestZip, got)
		})
	}
}

func TestFetchReleaseURLs(t *testing.T) {
	const base = "https://www.cms.gov/files/zip/"
	tests := []struct {
		version string
		want    []string
		wantErr string
	}{
		{"2025-10", []string{base + "october-2025-alpha-numeric-hcpcs-file.zip", base + "october-2025-alpha-numeric-hcpcs-files.zip"}, ""},
		{"2024-01", []string{base + "january-2024-alpha-numeric-hcpcs-file.zip", base + "january-2024-alpha-numeric-hcpcs-files.zip"}, ""},
		{"2023-04", []string{base + "april-2023-alpha-numeric-hcpcs-file.zip", base + "april-2023-alpha-numeric-hcpcs-files.zip"}, ""},
		{"2021-07", []string{base + "july-2021-alpha-numeric-hcpcs-file.zip", base + "july-2021-alpha-numeric-hcpcs-files.zip"}, ""},
		{"2025-13", nil, "month 13 out of range"},
		{"2025-00", nil, "month 00 out of range"},
		{"25-10", nil, "not of the form YYYY-MM"},
		{"2025-10-01", nil, "not of the form YYYY-MM"},
	}
	for _, tc := range tests {
		t.Run(tc.version, func(t *testing.T) {
			got, err := fetchReleaseURLs(base, tc.version)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// TestFetchVersionFallback downloads through a server that has only one of
// the two CMS name forms.
func TestFetchVersionFallback(t *testing.T) {
	tests := []struct {
		name      string
		version   string
		serve     string
		wantPaths []string
	}{
		{
			name:      "-file.zip",
			version:   "2025-10",
			serve:     "october-2025-alpha-numeric-hcpcs-file.zip",
			wantPaths: []string{"/october-2025-alpha-numeric-hcpcs-file.zip"},
		},
		{
			name:      "-files.zip after 404",
			version:   "2022-07",
			serve:     "july-2022-alpha-numeric-hcpcs-files.zip",
			wantPaths: []string{"/july-2022-alpha-numeric-hcpcs-file.zip", "/july-2022-alpha-numeric-hcpcs-files.zip"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFetchServer(t, map[string][]byte{"/" + tc.serve: fetchTestZip})
			dir := t.TempDir()
			stdout, _, err := runFetchTest(t.Context(), nil, "--data-dir", dir, "--base-url", srv.URL, tc.version)
			require.NoError(t, err)
			require.Equal(t, tc.wantPaths, srv.paths())
			require.Equal(t, []string{tc.version, tc.version + "/" + tc.serve}, listTree(t, dir))
			require.Contains(t, stdout, "fetched "+filepath.Join(dir, tc.version, tc.serve))
		})
	}
}

func TestFetchNotFoundNamesBothURLs(t *testing.T) {
	srv := newFetchServer(t, nil)
	dir := t.TempDir()
	_, _, err := runFetchTest(t.Context(), nil, "--data-dir", dir, "--base-url", srv.URL+"/x/", "2019-04")
	require.Error(t, err)
	require.ErrorContains(t, err, srv.URL+"/x/april-2019-alpha-numeric-hcpcs-file.zip")
	require.ErrorContains(t, err, srv.URL+"/x/april-2019-alpha-numeric-hcpcs-files.zip")
	require.ErrorContains(t, err, "404")
	require.Empty(t, listTree(t, dir), "no file and no empty release folder")
}

func TestFetchHTTPErrorStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	_, _, err := runFetchTest(t.Context(), nil, "--data-dir", dir, "--base-url", srv.URL, "2025-10")
	require.ErrorContains(t, err, srv.URL+"/october-2025-alpha-numeric-hcpcs-file.zip")
	require.ErrorContains(t, err, "503 Service Unavailable")
	require.Empty(t, listTree(t, dir))
}

func TestFetchLatestQuarter(t *testing.T) {
	tests := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2025, time.October, 1, 0, 0, 0, 0, time.UTC), "2025-10"},
		{time.Date(2025, time.December, 31, 23, 59, 0, 0, time.UTC), "2025-10"},
		{time.Date(2025, time.September, 30, 12, 0, 0, 0, time.UTC), "2025-07"},
		{time.Date(2026, time.January, 15, 0, 0, 0, 0, time.UTC), "2026-01"},
		{time.Date(2026, time.March, 31, 0, 0, 0, 0, time.UTC), "2026-01"},
		{time.Date(2024, time.April, 1, 0, 0, 0, 0, time.UTC), "2024-04"},
		{time.Date(2024, time.June, 2, 0, 0, 0, 0, time.UTC), "2024-04"},
	}
	for _, tc := range tests {
		t.Run(tc.now.Format(time.DateOnly), func(t *testing.T) {
			require.Equal(t, tc.want, fetchLatestQuarter(tc.now))
		})
	}
}

// TestFetchNoArgumentFetchesLatestQuarter: with no argument, fetch takes
// the quarter in effect, or the one before while CMS answers 404 for it.
func TestFetchNoArgumentFetchesLatestQuarter(t *testing.T) {
	setFetchNow(t, time.Date(2026, time.January, 3, 10, 0, 0, 0, time.UTC))
	const (
		jan = "/january-2026-alpha-numeric-hcpcs-file.zip"
		oct = "/october-2025-alpha-numeric-hcpcs-file.zip"
	)
	tests := []struct {
		name      string
		published []string
		wantPaths []string // requested, in order
		wantFile  string   // below the data directory; "" for none
		wantErr   string
	}{
		{"quarter published", []string{jan, oct}, []string{jan}, "2026-01" + jan, ""},
		{"quarter not yet published", []string{oct}, []string{jan, "/january-2026-alpha-numeric-hcpcs-files.zip", oct}, "2025-10" + oct, ""},
		{"neither published", nil, []string{jan, "/january-2026-alpha-numeric-hcpcs-files.zip", oct, "/october-2025-alpha-numeric-hcpcs-files.zip"}, "",
			"fetch 2025-10: HTTP 404 Not Found for both"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for _, p := range tc.published {
				files[p] = fetchTestZip
			}
			srv := newFetchServer(t, files)
			dir := t.TempDir()
			stdout, _, err := runFetchTest(t.Context(), nil, "--data-dir", dir, "--base-url", srv.URL)
			require.Equal(t, tc.wantPaths, srv.paths())
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.Empty(t, listTree(t, dir), "no file and no empty release folder")
				return
			}
			require.NoError(t, err)
			got, err := os.ReadFile(filepath.Join(dir, tc.wantFile))
			require.NoError(t, err)
			require.Equal(t, fetchTestZip, got)
			require.Len(t, listTree(t, dir), 2, "one release folder and its file")
			if len(tc.wantPaths) > 1 {
				require.Contains(t, stdout, "2026-01 is not published yet (404); fetching 2025-10, the quarter before")
			}
		})
	}
}

// TestFetchArgumentNeverFallsBack: a release asked for by name is that
// release or an error, never another one.
func TestFetchArgumentNeverFallsBack(t *testing.T) {
	srv := newFetchServer(t, map[string][]byte{"/october-2025-alpha-numeric-hcpcs-file.zip": fetchTestZip})
	dir := t.TempDir()
	_, _, err := runFetchTest(t.Context(), nil, "--data-dir", dir, "--base-url", srv.URL, "2026-01")
	require.ErrorContains(t, err, "fetch 2026-01: HTTP 404 Not Found for both")
	require.Len(t, srv.paths(), 2)
	require.Empty(t, listTree(t, dir))
}

func TestFetchExplicitURL(t *testing.T) {
	tests := []struct {
		file string
		want string // path below the data directory
	}{
		{"october-2025-alpha-numeric-hcpcs-file.zip", "2025-10/october-2025-alpha-numeric-hcpcs-file.zip"},
		{"2017-Alpha-Numeric-HCPCS-File.zip", "2017-01/2017-Alpha-Numeric-HCPCS-File.zip"},
		{"some-release.zip", "some-release.zip"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			srv := newFetchServer(t, map[string][]byte{"/dl/" + tc.file: fetchTestZip})
			dir := t.TempDir()
			_, _, err := runFetchTest(t.Context(), nil, "--data-dir", dir, srv.URL+"/dl/"+tc.file)
			require.NoError(t, err)
			got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tc.want)))
			require.NoError(t, err)
			require.Equal(t, fetchTestZip, got)
			requireNoTemp(t, dir)
		})
	}
}

func TestFetchBadArguments(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"not a version or URL", []string{"latest"}, `"latest" is neither a YYYY-MM version nor an http(s) URL`},
		{"ftp URL", []string{"ftp://example.org/a.zip"}, "neither a YYYY-MM version nor an http(s) URL"},
		{"URL without file", []string{"http://127.0.0.1/"}, "does not name a file"},
		{"bad sha256", []string{"--sha256", "abc", "2025-10"}, "not 64 hex digits"},
		{"sha256 with two downloads", []string{"--sha256", strings.Repeat("a", 64), "2025-07", "2025-10"}, "single download"},
		{"unknown flag", []string{"--nope"}, "flag provided but not defined"},
		{"bad base URL", []string{"--base-url", "not a url", "2025-10"}, "not an http(s) URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, _, err := runFetchTest(t.Context(), nil, append([]string{"--data-dir", dir}, tc.args...)...)
			require.ErrorContains(t, err, tc.wantErr)
			require.Empty(t, listTree(t, dir))
		})
	}
}

func TestFetchHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		t.Run(arg, func(t *testing.T) {
			stdout, _, err := runFetchTest(t.Context(), nil, arg)
			require.NoError(t, err)
			require.Contains(t, stdout, "Usage: hcpcs-server fetch")
			for _, flag := range []string{"--data-dir", "--base-url", "--sha256", "--force", "HCPCS_DATA_DIR", "HCPCS_FETCH_BASE_URL"} {
				require.Contains(t, stdout, flag)
			}
		})
	}
}

func TestFetchChecksum(t *testing.T) {
	const name = "april-2025-alpha-numeric-hcpcs-file.zip"
	good := fetchTestSum(fetchTestZip)
	bad := strings.Repeat("0", 64)

	tests := []struct {
		name    string
		flagSum string
		known   string
		wantErr string
	}{
		{"--sha256 matches", good, "", ""},
		{"--sha256 matches, upper case", strings.ToUpper(good), "", ""},
		{"--sha256 mismatch", bad, "", "checksum mismatch for " + name + ": expected sha256 " + bad + ", got " + good},
		{"known checksum matches", "", good, ""},
		{"known checksum mismatch", "", bad, "checksum mismatch for " + name + ": expected sha256 " + bad + ", got " + good},
		{"--sha256 overrides known checksum", good, bad, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.known != "" {
				knownSHA256[name] = tc.known
				t.Cleanup(func() { delete(knownSHA256, name) })
			}
			srv := newFetchServer(t, map[string][]byte{"/" + name: fetchTestZip})
			dir := t.TempDir()
			args := []string{"--data-dir", dir, "--base-url", srv.URL}
			if tc.flagSum != "" {
				args = append(args, "--sha256", tc.flagSum)
			}
			_, _, err := runFetchTest(t.Context(), nil, append(args, "2025-04")...)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.Empty(t, listTree(t, dir), "the download must be removed")
				return
			}
			require.NoError(t, err)
			require.Equal(t, []string{"2025-04", "2025-04/" + name}, listTree(t, dir))
		})
	}
}

// TestFetchBrokenBody covers servers that promise more than they send.
func TestFetchBrokenBody(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{
			name: "Content-Length larger than body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "100000")
				_, _ = w.Write(fetchTestZip)
			},
		},
		{
			name: "hijacked and closed mid-body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					panic(err)
				}
				defer conn.Close()
				_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: 100000\r\n\r\n")
				_, _ = buf.Write(fetchTestZip)
				_ = buf.Flush()
			},
		},
		{
			name: "chunked body aborted",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write(fetchTestZip)
				w.(http.Flusher).Flush()
				panic(http.ErrAbortHandler)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(tc.handler)
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			srv.Start()
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			_, _, err := runFetchTest(t.Context(), nil, "--data-dir", dir, "--base-url", srv.URL, "2025-10")
			require.Error(t, err)
			require.ErrorContains(t, err, "october-2025-alpha-numeric-hcpcs-file.zip")
			require.Empty(t, listTree(t, dir), "no partial file")
		})
	}
}

func TestFetchContextCancelled(t *testing.T) {
	t.Run("mid-body", func(t *testing.T) {
		started := make(chan struct{})
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100000")
			_, _ = w.Write(fetchTestZip)
			w.(http.Flusher).Flush()
			close(started)
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(release) }) // runs before srv.Close

		dir := t.TempDir()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		errc := make(chan error, 1)
		go func() {
			_, _, err := runFetchTest(ctx, nil, "--data-dir", dir, "--base-url", srv.URL, "2025-10")
			errc <- err
		}()
		<-started
		cancel()
		err := <-errc
		require.ErrorIs(t, err, context.Canceled)
		require.Empty(t, listTree(t, dir), "no partial file")
	})

	t.Run("before start", func(t *testing.T) {
		srv := newFetchServer(t, map[string][]byte{"/october-2025-alpha-numeric-hcpcs-file.zip": fetchTestZip})
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, _, err := runFetchTest(ctx, nil, "--data-dir", dir, "--base-url", srv.URL, "2025-10")
		require.ErrorIs(t, err, context.Canceled)
		require.Empty(t, listTree(t, dir))
	})
}

func TestFetchExistingFile(t *testing.T) {
	const name = "july-2025-alpha-numeric-hcpcs-file.zip"
	const filesName = "july-2025-alpha-numeric-hcpcs-files.zip"
	old := []byte("old contents")

	tests := []struct {
		name         string
		existing     string
		force        bool
		wantRequests int
		wantContent  []byte
		wantStdout   string
	}{
		{"skipped", name, false, 0, old, "skipped "},
		{"skipped under the -files.zip name", filesName, false, 0, old, "skipped "},
		{"--force downloads again", name, true, 1, fetchTestZip, "fetched "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFetchServer(t, map[string][]byte{"/" + name: fetchTestZip})
			dir := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "2025-07"), 0o755))
			dest := filepath.Join(dir, "2025-07", tc.existing)
			require.NoError(t, os.WriteFile(dest, old, 0o644))

			args := []string{"--data-dir", dir, "--base-url", srv.URL, "2025-07"}
			if tc.force {
				args = append(args, "--force")
			}
			stdout, _, err := runFetchTest(t.Context(), nil, args...)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(stdout, tc.wantStdout), "stdout %q", stdout)
			require.Len(t, srv.paths(), tc.wantRequests)
			got, err := os.ReadFile(filepath.Join(dir, "2025-07", name))
			if tc.existing == name || tc.force {
				require.NoError(t, err)
				require.Equal(t, tc.wantContent, got)
			}
			requireNoTemp(t, dir)
		})
	}
}

func TestFetchMultipleArgumentsContinueAfterFailure(t *testing.T) {
	srv := newFetchServer(t, map[string][]byte{
		"/january-2025-alpha-numeric-hcpcs-file.zip": fetchTestZip,
		"/july-2025-alpha-numeric-hcpcs-file.zip":    fetchTestZip,
	})
	dir := t.TempDir()
	_, _, err := runFetchTest(t.Context(), nil, "--data-dir", dir, "--base-url", srv.URL, "2025-01", "2025-04", "2025-07")
	require.ErrorContains(t, err, "april-2025-alpha-numeric-hcpcs-files.zip")
	require.Equal(t, []string{
		"2025-01", "2025-01/january-2025-alpha-numeric-hcpcs-file.zip",
		"2025-07", "2025-07/july-2025-alpha-numeric-hcpcs-file.zip",
	}, listTree(t, dir))
}

func TestFetchProgressBarOnTerminal(t *testing.T) {
	old := fetchIsTerminal
	fetchIsTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { fetchIsTerminal = old })

	const name = "october-2025-alpha-numeric-hcpcs-file.zip"
	srv := newFetchServer(t, map[string][]byte{"/" + name: fetchTestZip})
	dir := t.TempDir()
	stdout, stderr, err := runFetchTest(t.Context(), nil, "--data-dir", dir, "--base-url", srv.URL, "2025-10")
	require.NoError(t, err)
	require.Contains(t, stderr, name, "the bar is drawn on stderr")
	require.Contains(t, stdout, "fetched ")
	got, err := os.ReadFile(filepath.Join(dir, "2025-10", name))
	require.NoError(t, err)
	require.Equal(t, fetchTestZip, got)
}
