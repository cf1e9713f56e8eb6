package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// This file runs the README's `make run`, `hcpcs-server` and `kill` lines
// for real: make builds bin/hcpcs-server and execs it, as a user would, in
// a copy of the checkout (readmeCheckout) so that ./data and bin/ start
// empty. The releases are the real CMS files read in place; the ZIPs are
// built from them at test time in a temporary directory. Downloads go to a
// local HTTP server (HCPCS_FETCH_BASE_URL), never to CMS.

// readmeCheckout is a copy of the checkout for make to run in: a link to
// every entry of the repository but bin/ and data/, which start empty.
// .gitignore is left out: git refuses to read it through a link.
func readmeCheckout(t *testing.T) string {
	t.Helper()
	repo := testenv.RepoRoot(t)
	root := t.TempDir()
	entries, err := os.ReadDir(repo)
	require.NoError(t, err)
	for _, e := range entries {
		if name := e.Name(); name != "bin" && name != "data" && name != ".gitignore" {
			require.NoError(t, os.Symlink(filepath.Join(repo, name), filepath.Join(root, name)))
		}
	}
	return root
}

// readmeEnv is the environment of the commands: the test's own, without
// anything of the server's or make's, with HOME at home (where the README's
// ~/Downloads is) and Go's caches where they were, so that builds hit them.
// HCPCS_LISTEN is 127.0.0.1:0: a command that does not choose a port gets a
// free one, never 8080. The drain delay is 0: no load balancer waits here.
func readmeEnv(t *testing.T, home string, set map[string]string) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	require.NoError(t, err)
	dirs := strings.Fields(string(out))
	require.Len(t, dirs, 3)
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if serverVar.MatchString(k) || slices.Contains([]string{"HOME", "PORT", "DATA", "VERSION", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GOCACHE", "GOMODCACHE", "GOPATH"}, k) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "GOCACHE="+dirs[0], "GOMODCACHE="+dirs[1], "GOPATH="+dirs[2],
		"HCPCS_LISTEN=127.0.0.1:0", "HCPCS_DRAIN_DELAY=0")
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// zipRelease writes a ZIP at dst holding the file src under the name member.
func zipRelease(t *testing.T, dst, member, src string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	out, err := os.Create(dst)
	require.NoError(t, err)
	zw := zip.NewWriter(out)
	w, err := zw.Create(member)
	require.NoError(t, err)
	in, err := os.Open(src)
	require.NoError(t, err)
	_, err = io.Copy(w, in)
	require.NoError(t, err)
	require.NoError(t, in.Close())
	require.NoError(t, zw.Close())
	require.NoError(t, out.Close())
}

// cmsServer stands in for www.cms.gov/files/zip/: it serves the files
// given and counts every request.
type cmsServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
}

func newCMSServer(t *testing.T, files map[string]string) *cmsServer {
	t.Helper()
	s := &cmsServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.URL.Path)
		s.mu.Unlock()
		path, ok := files[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, path)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *cmsServer) requested() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// readmeListen makes a README line listen on a free port: 8080 and 9090
// become 0. The serving line then says where it listens.
var readmeListen = strings.NewReplacer("PORT=9090", "PORT=0", ":9090", ":0", "localhost:8080", "localhost:0")

type readmeServe struct {
	line      string
	versions  []string
	everyAddr bool // bound on every interface (PORT, --listen :N), not HCPCS_LISTEN's 127.0.0.1
}

// readmeServeCases are the README lines that start a server on data the
// test supplies in place of the user's, with what it must serve. Run in
// this order in one checkout: the first ones find ./data empty, and must
// neither download nor fill it, as their data is explicit.
var readmeServeCases = []readmeServe{
	{"make run DATA=~/Downloads/october-2025-alpha-numeric-hcpcs-file.zip", []string{"2025-10"}, false},
	{"make run DATA=~/Downloads/hcpcs", []string{"2023-01", "2025-10"}, false},
	{"make run DATA=~/Downloads/HCPC2023_JAN_ANWEB_v3.csv", []string{"2023-01"}, false},
	{"HCPCS_LISTEN=127.0.0.1:9090 HCPCS_DATA=~/Downloads/hcpcs make run", []string{"2023-01", "2025-10"}, false},
	{"bin/hcpcs-server --data ~/Downloads/october-2025-alpha-numeric-hcpcs-file.zip --listen :9090", []string{"2025-10"}, true},
}

// TestReadmeMakeRun runs the README's make run, hcpcs-server and kill
// lines: each PORT and DATA form, the first run that downloads the data,
// the second that runs offline, and the signals, which must reach the
// server that make run started.
func TestReadmeMakeRun(t *testing.T) {
	t.Parallel()
	data := testenv.HCPCSData(t)
	xlsx := filepath.Join(data, "2025-10_quarterly", "HCPC2025_OCT_ANWEB.xlsx")
	csv := filepath.Join(data, "2023-01_quarterly", "HCPC2023_JAN_ANWEB_v3.csv")
	home := t.TempDir()
	dl := filepath.Join(home, "Downloads")
	zipRelease(t, filepath.Join(dl, "october-2025-alpha-numeric-hcpcs-file.zip"), "HCPC2025_OCT_ANWEB.xlsx", xlsx)
	zipRelease(t, filepath.Join(dl, "hcpcs", "october-2025-alpha-numeric-hcpcs-file.zip"), "HCPC2025_OCT_ANWEB.xlsx", xlsx)
	zipRelease(t, filepath.Join(dl, "hcpcs", "january-2023-alpha-numeric-hcpcs-file.zip"), "HCPC2023_JAN_ANWEB_v3.csv", csv)
	require.NoError(t, os.Symlink(csv, filepath.Join(dl, "HCPC2023_JAN_ANWEB_v3.csv")))

	// CMS's release in effect today: a ZIP of the 2025-10 file under that
	// quarter's name (its member's name says no version, so the ZIP's does).
	quarter := fetchLatestQuarter(time.Now())
	quarterZip := filepath.Join(t.TempDir(), "quarter.zip")
	zipRelease(t, quarterZip, "ANWEB.xlsx", xlsx)
	urls, err := fetchReleaseURLs("/", quarter)
	require.NoError(t, err)
	quarterName := strings.TrimPrefix(urls[0], "/")
	cms := newCMSServer(t, map[string]string{quarterName: quarterZip, "october-2025-alpha-numeric-hcpcs-file.zip": filepath.Join(dl, "october-2025-alpha-numeric-hcpcs-file.zip")})

	root := readmeCheckout(t)
	env := readmeEnv(t, home, map[string]string{"HCPCS_FETCH_BASE_URL": cms.URL, "HCPCS_ADMIN_TOKEN": "readme-test-token-0123456789"})
	readme := readmeShellLines(t)

	// Every make run builds first (its build target). On a new machine the
	// first build compiles everything, which beside the rest of make test
	// took more than waitLine's two-minute guard; so build once here,
	// unguarded, and the make runs below find the build cache warm.
	build := exec.Command("make", "build")
	build.Dir, build.Env = root, env
	out, err := build.CombinedOutput()
	require.NoError(t, err, "make build:\n%s", out)

	for _, tc := range readmeServeCases {
		require.Contains(t, readme, tc.line, "README: the line is gone; update readmeServeCases")
		t.Run(tc.line, func(t *testing.T) {
			s := startProcess(t, root, env, readmeListen.Replace(tc.line)).waitServing()
			require.Equal(t, tc.versions, s.versions())
			host, _, err := splitAddr(s.addr)
			require.NoError(t, err)
			require.Equal(t, tc.everyAddr, host != "127.0.0.1", "bound to %s", s.addr)
			if strings.Contains(tc.line, "make run") {
				s.requireMakeChild()
			}
			require.NotRegexp(t, `(?m)^data: `, s.output.String(), "make run ran the data script, though the data was given")
			s.stop()
		})
	}
	require.Empty(t, cms.requested(), "data given explicitly was downloaded anyway")
	require.NoDirExists(t, filepath.Join(root, "data"), "data given explicitly; ./data was filled anyway")

	// The first plain make run: ./data is empty and there is no local
	// source, so the release in effect today is downloaded.
	const plain = "make run"
	require.Contains(t, readme, plain)
	t.Run("first "+plain, func(t *testing.T) {
		p := startProcess(t, root, env, plain)
		stamp := regexp.MustCompile(`-X main\.version=(\S+)"`).FindStringSubmatch(p.waitLine("the build", func(l string) bool { return strings.HasPrefix(l, "go build") }))
		require.NotNil(t, stamp, "make run does not stamp the version")
		s := p.waitServing()
		require.Equal(t, []string{"/" + quarterName}, cms.requested(), "what fetch picks")
		require.FileExists(t, filepath.Join(root, "data", quarter, quarterName))
		require.Equal(t, []string{quarter}, s.versions())
		s.requireMakeChild()
		readmeVersion(t, s, root, stamp[1])
		readmeSignals(t, s, root, env, readme)
	})

	// The second finds the data there: nothing is downloaded (offline).
	t.Run("offline "+plain, func(t *testing.T) {
		p := startProcess(t, root, env, plain)
		p.waitLine("the data script's answer", func(l string) bool { return strings.Contains(l, "already holds release files; nothing to do") })
		s := p.waitServing()
		require.Len(t, cms.requested(), 1, "a second download")
		require.Equal(t, []string{quarter}, s.versions())
		s.stop()
	})

	const port = "make run PORT=9090"
	require.Contains(t, readme, port)
	t.Run(port, func(t *testing.T) {
		s := startProcess(t, root, env, readmeListen.Replace(port)).waitServing()
		host, _, err := splitAddr(s.addr)
		require.NoError(t, err)
		require.NotEqual(t, "127.0.0.1", host, "PORT did not reach --listen: HCPCS_LISTEN was used")
		require.Equal(t, []string{quarter}, s.versions())
		s.requireMakeChild()
		// Ctrl-C in make run's terminal: SIGINT to the whole process
		// group. The server drains and exits 0; make, interrupted, ends
		// once it has; nothing is left.
		require.NoError(t, syscall.Kill(-s.cmd.Process.Pid, syscall.SIGINT))
		s.waitLine("the drain", logRecord(map[string]any{"msg": "shutting down; letting in-flight requests finish"}))
		<-s.exited
		require.ErrorIs(t, syscall.Kill(-s.cmd.Process.Pid, 0), syscall.ESRCH, "a process of the group is left")
		require.NotContains(t, s.output.String(), `"level":"ERROR"`)
	})

	const fetch = "bin/hcpcs-server fetch --data-dir ./data 2025-10"
	require.Contains(t, readme, fetch)
	t.Run(fetch, func(t *testing.T) {
		out := runShell(t, root, env, fetch)
		require.Contains(t, out, "fetched data/2025-10/october-2025-alpha-numeric-hcpcs-file.zip")
		require.FileExists(t, filepath.Join(root, "data", "2025-10", "october-2025-alpha-numeric-hcpcs-file.zip"))
	})
}

// readmeVersion: make stamped the version from git describe, and the
// binary, the CapabilityStatement and the TerminologyCapabilities report it.
func readmeVersion(t *testing.T, s *served, root, stamped string) {
	t.Helper()
	describe, err := exec.Command("git", "-C", testenv.RepoRoot(t), "describe", "--tags", "--always").Output()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(stamped, strings.TrimSpace(string(describe))), "stamped %q, git describe %q", stamped, describe)
	for _, line := range []string{"bin/hcpcs-server --version", "bin/hcpcs-server version"} {
		require.Equal(t, "hcpcs-server "+stamped+"\n", runShell(t, root, nil, line), line)
	}
	for _, path := range []string{"/fhir/metadata", "/fhir/metadata?mode=terminology"} {
		software, _ := s.getJSON(path)["software"].(map[string]any)
		require.Equal(t, stamped, software["version"], path)
	}
}

// readmeSignals runs the README's reload and stop lines against the
// server that make run started. pgrep is narrowed to the test's process
// group, so that the README's command finds this server and no other on
// the machine: were the server not make's own child named hcpcs-server
// (go run), the same command would find nothing.
func readmeSignals(t *testing.T, s *served, root string, env []string, readme []string) {
	t.Helper()
	var reload, hup, term string
	for _, l := range readme {
		switch {
		case strings.HasPrefix(l, "curl -X POST ") && strings.HasSuffix(l, "/admin/reload"):
			reload = l
		case strings.HasPrefix(l, "kill -HUP "):
			hup = l
		case strings.HasPrefix(l, "kill -TERM "):
			term = l
		}
	}
	require.NotEmpty(t, reload, "README: no POST /admin/reload line")
	require.NotEmpty(t, hup, "README: no kill -HUP line")
	require.NotEmpty(t, term, "README: no kill -TERM line")

	_, port, err := splitAddr(s.addr)
	require.NoError(t, err)
	var answer map[string]any
	require.NoError(t, json.Unmarshal([]byte(runShell(t, root, env, strings.ReplaceAll(reload, "localhost:8080", "localhost:"+port)+" --silent")), &answer))
	require.Equal(t, "reloaded", answer["status"])

	narrowed := fmt.Sprintf("pgrep() { command pgrep -g %d \"$@\"; }; ", s.cmd.Process.Pid)
	runShell(t, root, env, narrowed+hup)
	s.waitLine("the reload on SIGHUP", logRecord(map[string]any{"msg": "reloaded", "trigger": "signal"}))
	resp, err := http.Get(s.base + "/metrics")
	require.NoError(t, err)
	metrics, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Contains(t, string(metrics), `hcpcs_reloads_total{result="success",trigger="signal"} 1`)
	require.Contains(t, string(metrics), `hcpcs_reloads_total{result="success",trigger="http"} 1`)
	require.Equal(t, http.StatusOK, s.getStatus("/readyz"), "the server serves on after the reloads")

	runShell(t, root, env, narrowed+term)
	s.requireStopped()
}
