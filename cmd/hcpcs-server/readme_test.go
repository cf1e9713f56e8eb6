package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// readmeCurl matches the curl examples of the README: optional -H headers,
// then the URL in single quotes or bare.
var (
	readmeCurl   = regexp.MustCompile(`^curl((?: -H '[^']*')*) '?(localhost:8080/[^' ]+)'?`)
	readmeHeader = regexp.MustCompile(`-H '([^:]+): ([^']*)'`)
)

// TestReadmeCommands runs every curl example of the README against a
// server started as `make run` starts one, so that the README stays true:
// each must answer 200 with FHIR JSON.
func TestReadmeCommands(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "README.md"))
	require.NoError(t, err)
	base := strings.TrimSuffix(startSuiteServer(t), "/fhir")
	n := 0
	for _, line := range strings.Split(string(readme), "\n") {
		m := readmeCurl.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		n++
		target := strings.Replace(m[2], "localhost:8080", base[len("http://"):], 1)
		req, err := http.NewRequest(http.MethodGet, "http://"+target, nil)
		require.NoError(t, err, line)
		for _, h := range readmeHeader.FindAllStringSubmatch(m[1], -1) {
			req.Header.Set(h[1], h[2])
		}
		resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip: the README's own headers apply
		require.NoError(t, err, line)
		var body io.Reader = resp.Body
		if resp.Header.Get("Content-Encoding") == "gzip" {
			body, err = gzip.NewReader(resp.Body)
			require.NoError(t, err, line)
		}
		var v map[string]any
		require.NoError(t, json.NewDecoder(body).Decode(&v), line)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %v", line, v)
		require.Equal(t, "application/fhir+json; charset=utf-8", resp.Header.Get("Content-Type"), line)
		require.NotEqual(t, "OperationOutcome", v["resourceType"], line)
	}
	require.GreaterOrEqual(t, n, 5, "the README's curl examples were not found")
}

// usageFlag matches a flag of serve's usage text and the variable its help
// names: "  -name type\n    \thelp … (HCPCS_NAME) (default …)".
var usageFlag = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)(?: \w+)?\n\s+.*\((HCPCS_[A-Z0-9_]+|REDIS_URL)\)`)

// TestReadmeFlags: every flag of serve has its row in the README's table,
// with the environment variable the server reads for it, and so does every
// variable serve reads that has no flag.
func TestReadmeFlags(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "README.md"))
	require.NoError(t, err)
	var usage bytes.Buffer
	_, err = parseServeFlags([]string{"-h"}, func(string) string { return "" }, &usage)
	require.ErrorIs(t, err, flag.ErrHelp)
	flags := usageFlag.FindAllStringSubmatch(usage.String(), -1)
	require.Equal(t, strings.Count(usage.String(), "\n  -"), len(flags), "a flag's help does not name its variable:\n%s", usage.String())
	withFlag := map[string]bool{}
	for _, f := range flags {
		require.Contains(t, string(readme), "| `--"+f[1]+"` | `"+f[2]+"` |", "README: no row for --%s", f[1])
		withFlag[f[2]] = true
	}
	for name := range envRead("serve") {
		if !withFlag[name] {
			require.Contains(t, string(readme), "| — | `"+name+"` |", "README: no row for %s", name)
		}
	}
}

// readmeComment is a shell comment at the end of a README command.
var readmeComment = regexp.MustCompile(`\s+#\s.*$`)

// readmeShellLines are the commands of the README's sh blocks, without
// their comments.
func readmeShellLines(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "README.md"))
	require.NoError(t, err)
	var lines []string
	in := false
	for _, line := range strings.Split(string(readme), "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			in = line == "```sh"
		case in && strings.TrimSpace(line) != "":
			lines = append(lines, strings.TrimSpace(readmeComment.ReplaceAllString(line, "")))
		}
	}
	require.NotEmpty(t, lines, "README: no sh block")
	return lines
}

// readmeRunner names the test that runs a README command, "" for none.
func readmeRunner(line string) string {
	switch {
	case readmeCurl.MatchString(line):
		return "TestReadmeCommands"
	case line == "make run", line == "make run PORT=9090", line == "bin/hcpcs-server --version",
		line == "bin/hcpcs-server fetch --data-dir ./data 2025-10",
		strings.HasPrefix(line, "kill -HUP "), strings.HasPrefix(line, "kill -TERM "),
		strings.HasPrefix(line, "curl -X POST ") && strings.HasSuffix(line, "/admin/reload"),
		slices.ContainsFunc(readmeServeCases, func(c readmeServe) bool { return c.line == line }):
		return "TestReadmeMakeRun"
	case strings.HasPrefix(line, "hcpcs-server serve --redis 'redis-sentinel://"):
		return "TestFaultSentinelFailover" // faults_topology_test.go runs it with its hosts replaced
	case strings.HasPrefix(line, "hcpcs-server serve --redis 'redis-cluster://"):
		return "TestFaultClusterFailover"
	case strings.HasPrefix(line, "bin/hcpcs-server "):
		return "TestReadmeHelp"
	case strings.HasPrefix(line, "make "):
		return "TestReadmeMakeDryRun"
	case strings.HasPrefix(line, "docker "):
		return "TestReadmeDocker"
	}
	return ""
}

// TestReadmeEveryCommandIsRun: every command of the README's sh blocks is
// run by one of the tests of this file, so that none can drift from the
// code unnoticed. A new command needs its place in readmeRunner.
func TestReadmeEveryCommandIsRun(t *testing.T) {
	for _, line := range readmeShellLines(t) {
		require.NotEmpty(t, readmeRunner(line), "README command run by no test (add it to readmeRunner and run it): %s", line)
	}
}

// readmeInline matches the make targets and hcpcs-server subcommands the
// README's text names in backquotes.
var (
	readmeInlineMake = regexp.MustCompile("`make ([a-z-]+)")
	readmeInlineSub  = regexp.MustCompile("`(?:bin/)?hcpcs-server ([a-z]+)")
)

// TestReadmeHelp runs the README's hcpcs-server lines that print and exit
// (in process: the binary's main is run), and checks that every
// subcommand the text names exists.
func TestReadmeHelp(t *testing.T) {
	n := 0
	for _, line := range readmeShellLines(t) {
		if readmeRunner(line) != "TestReadmeHelp" {
			continue
		}
		n++
		t.Run(line, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := strings.Fields(line)[1:]
			require.NoError(t, run(t.Context(), args, func(string) string { return "" }, &stdout, &stderr))
			out := stdout.String() + stderr.String()
			require.NotEmpty(t, out)
			if len(args) == 1 { // hcpcs-server --help
				for _, sub := range []string{"serve", "fetch", "version"} {
					require.Regexp(t, `(?m)^  `+sub+` `, out, "--help does not list %s", sub)
				}
			}
			if args[0] == "serve" {
				require.Contains(t, out, "-listen")
				require.Contains(t, out, "(HCPCS_LISTEN)")
			}
		})
	}
	require.NotZero(t, n)
	readme, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "README.md"))
	require.NoError(t, err)
	for _, m := range readmeInlineSub.FindAllStringSubmatch(string(readme), -1) {
		require.NoError(t, run(t.Context(), []string{m[1], "-h"}, func(string) string { return "" }, io.Discard, io.Discard),
			"README names hcpcs-server %s", m[1])
	}
}

// TestReadmeMakeDryRun checks the README's other make lines, and every
// target its text names, with make -n: the target exists and its recipe
// does what the README says of it. (make run is run for real by
// TestReadmeMakeRun; the rest are the long test, lint and load runs.)
func TestReadmeMakeDryRun(t *testing.T) {
	repo := testenv.RepoRoot(t)
	dryRun := func(t *testing.T, args ...string) string {
		cmd := exec.Command("make", append([]string{"-n"}, args...)...)
		cmd.Dir = repo
		cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "MAKE") || strings.HasPrefix(kv, "MFLAGS=") })
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "make -n %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}
	withRedis, err := os.ReadFile(filepath.Join(repo, "scripts", "with-redis.sh"))
	require.NoError(t, err)
	// What the README says of each make line.
	says := map[string][]string{
		"make test":   {"scripts/with-redis.sh go test -race"},
		"make docker": {"docker build --build-arg VERSION="},
	}
	for _, line := range readmeShellLines(t) {
		if readmeRunner(line) != "TestReadmeMakeDryRun" {
			continue
		}
		t.Run(line, func(t *testing.T) {
			want, ok := says[line]
			require.True(t, ok, "no check for %s in TestReadmeMakeDryRun", line)
			out := dryRun(t, strings.Fields(line)[1:]...)
			for _, w := range want {
				require.Contains(t, out, w)
			}
		})
	}
	// "the tests start their own redis-server" (Quick start): each cache
	// test its own, and make test one for the rest when none answers.
	redistest, err := os.ReadFile(filepath.Join(repo, "cache", "redistest", "redistest.go"))
	require.NoError(t, err)
	require.Contains(t, string(redistest), `exec.LookPath("redis-server")`)
	require.Contains(t, string(withRedis), `addr="${REDIS_ADDR:-127.0.0.1:6379}"`)
	require.Contains(t, string(withRedis), "redis-server --port")
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	require.NoError(t, err)
	targets := map[string]bool{}
	for _, m := range readmeInlineMake.FindAllStringSubmatch(string(readme), -1) {
		targets[m[1]] = true
	}
	require.Contains(t, targets, "run")
	for _, target := range slices.Sorted(maps.Keys(targets)) {
		dryRun(t, target)
	}
}

// TestReadmeDocker checks the README's docker lines against the Dockerfile
// and the Makefile; docker itself is not run by the tests (building the
// image pulls its base images from the network). make docker stamps the
// version as make build does; docker run publishes the port the image
// listens on, mounts the data where the image reads it, and starts a
// container whose command, flags and variables the server takes.
func TestReadmeDocker(t *testing.T) {
	repo := testenv.RepoRoot(t)
	dockerfile, err := os.ReadFile(filepath.Join(repo, "Dockerfile"))
	require.NoError(t, err)
	require.Regexp(t, `(?m)^ARG VERSION\b`, string(dockerfile))
	require.Contains(t, string(dockerfile), "-X main.version=${VERSION}")
	makefile, err := os.ReadFile(filepath.Join(repo, "Makefile"))
	require.NoError(t, err)
	tag := regexp.MustCompile(`docker build --build-arg VERSION=\$\(VERSION\) -t (\S+) \.`).FindStringSubmatch(string(makefile))
	require.NotNil(t, tag, "make docker does not stamp the version")
	image := imageEnv(t)
	port := listenPort(t, image["HCPCS_LISTEN"])
	require.Regexp(t, fmt.Sprintf(`(?m)^EXPOSE %d$`, port), string(dockerfile))

	n := 0
	for _, line := range readmeShellLines(t) {
		if readmeRunner(line) != "TestReadmeDocker" {
			continue
		}
		n++
		t.Run(line, func(t *testing.T) {
			args := strings.Fields(line)
			require.Equal(t, []string{"docker", "run"}, args[:2], "only docker run is checked here")
			set := map[string]string{}
			var published, mounted []string
			i := 2
			for ; i < len(args) && strings.HasPrefix(args[i], "-"); i++ {
				switch args[i] {
				case "--rm":
				case "-p":
					i++
					published = append(published, args[i])
				case "-v":
					i++
					mounted = append(mounted, args[i])
				case "-e":
					i++
					k, v, _ := strings.Cut(args[i], "=")
					set[k] = v
				default:
					t.Fatalf("docker run option %s: not checked here", args[i])
				}
			}
			require.Less(t, i, len(args), "no image")
			require.Equal(t, tag[1], args[i], "the image make docker builds")
			env := maps.Clone(image)
			maps.Copy(env, set)
			for _, p := range published {
				_, container, ok := strings.Cut(p, ":")
				require.True(t, ok, p)
				require.Equal(t, strconv.Itoa(listenPort(t, env["HCPCS_LISTEN"])), container, "-p %s: the container listens on %s", p, env["HCPCS_LISTEN"])
			}
			for _, v := range mounted {
				parts := strings.Split(v, ":")
				require.GreaterOrEqual(t, len(parts), 2, v)
				require.Equal(t, env["HCPCS_DATA"], parts[1], "-v %s: the image reads its data from %s", v, env["HCPCS_DATA"])
			}
			cmd := args[i+1:]
			if len(cmd) == 0 {
				cmd = []string{"serve"} // the image's CMD
			}
			_, err := checkContainer(cmd, image, set)
			require.NoError(t, err)
		})
	}
	require.NotZero(t, n, "README: no docker run line")
}
