package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A shell command run as a user runs it, in its own process group, and the
// server it starts, found by its serving log line: the README's make run
// lines (readme_run_test.go).

// process is a README command started by bash in its own process group,
// its output (make's and the server's) read line by line.
type process struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string
	output *syncBuffer
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed
}

func startProcess(t *testing.T, dir string, env []string, line string) *process {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	p := &process{t: t, lines: make(chan string, 4096), output: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command("bash", "-c", line)
	p.cmd.Dir, p.cmd.Env, p.cmd.Stdout, p.cmd.Stderr = dir, env, w, w
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, p.cmd.Start(), line)
	require.NoError(t, w.Close())
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			_, _ = p.output.Write(append(sc.Bytes(), '\n'))
			p.lines <- sc.Text()
		}
		close(p.lines)
		_ = r.Close()
	}()
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) // only when the test failed midway
		<-p.exited
	})
	return p
}

// waitLine returns the first line from now on that match accepts; the
// process ending first, or two minutes passing, fails the test.
func (p *process) waitLine(what string, match func(line string) bool) string {
	p.t.Helper()
	timeout := time.NewTimer(2 * time.Minute) // a guard, not a synchronisation
	defer timeout.Stop()
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				<-p.exited
				p.t.Fatalf("%s: ended (%v) before %s:\n%s", p.cmd.Args[2], p.err, what, p.output)
			}
			if match(line) {
				return line
			}
		case <-timeout.C:
			p.t.Fatalf("%s: no %s within 2 minutes:\n%s", p.cmd.Args[2], what, p.output)
		}
	}
}

// logRecord matches a JSON log line whose fields include want.
func logRecord(want map[string]any) func(string) bool {
	return func(line string) bool {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			return false
		}
		for k, v := range want {
			if fmt.Sprint(rec[k]) != fmt.Sprint(v) {
				return false
			}
		}
		return true
	}
}

// served is a server a README command started: where it listens and its
// pid, from its serving line.
type served struct {
	*process
	base string // http://127.0.0.1:port
	addr string // as bound
	pid  int
}

func (p *process) waitServing() *served {
	p.t.Helper()
	var rec struct {
		Addr string `json:"addr"`
		Pid  int    `json:"pid"`
	}
	require.NoError(p.t, json.Unmarshal([]byte(p.waitLine("the serving line", logRecord(map[string]any{"msg": "serving"}))), &rec))
	_, port, err := splitAddr(rec.Addr)
	require.NoError(p.t, err)
	return &served{process: p, base: "http://127.0.0.1:" + port, addr: rec.Addr, pid: rec.Pid}
}

func splitAddr(addr string) (host, port string, err error) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return "", "", fmt.Errorf("no port in %q", addr)
	}
	return addr[:i], addr[i+1:], nil
}

// procStat is the command name and parent pid of a process.
func procStat(t *testing.T, pid int) (comm string, ppid int) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(t, err)
	open, closing := strings.IndexByte(string(b), '('), strings.LastIndexByte(string(b), ')')
	fields := strings.Fields(string(b)[closing+2:])
	ppid, err = strconv.Atoi(fields[1])
	require.NoError(t, err)
	return string(b)[open+1 : closing], ppid
}

// requireMakeChild: the server is the hcpcs-server binary that make itself
// started (the recipe execs it), not a child of go run or of a shell.
func (s *served) requireMakeChild() {
	s.t.Helper()
	comm, ppid := procStat(s.t, s.pid)
	require.Equal(s.t, "hcpcs-server", comm)
	parent, _ := procStat(s.t, ppid)
	require.Equal(s.t, "make", parent, "the server's parent")
}

func (s *served) getJSON(path string) map[string]any {
	s.t.Helper()
	resp, err := http.Get(s.base + path)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	require.Equal(s.t, http.StatusOK, resp.StatusCode, path)
	var v map[string]any
	require.NoError(s.t, json.NewDecoder(resp.Body).Decode(&v), path)
	return v
}

func (s *served) versions() []string {
	s.t.Helper()
	var out []string
	for _, v := range s.getJSON("/readyz")["versions"].([]any) {
		out = append(out, v.(string))
	}
	return out
}

// requireStopped waits for the command to end after a SIGTERM to the
// server: it must exit 0 after draining, and leave no process of its
// group behind (no orphaned server).
func (s *served) requireStopped() {
	s.t.Helper()
	s.waitLine("the drain", logRecord(map[string]any{"msg": "shutting down; letting in-flight requests finish"}))
	<-s.exited
	require.NoError(s.t, s.err, "exit status of %s:\n%s", s.cmd.Args[2], s.output)
	err := syscall.Kill(-s.cmd.Process.Pid, 0)
	require.ErrorIs(s.t, err, syscall.ESRCH, "a process of the group is left")
	require.ErrorIs(s.t, syscall.Kill(s.pid, 0), syscall.ESRCH, "the server is left running")
}

func (s *served) stop() {
	s.t.Helper()
	require.NoError(s.t, syscall.Kill(s.pid, syscall.SIGTERM))
	s.requireStopped()
}

// runShell runs a README line to its end and returns its output.
func runShell(t *testing.T, dir string, env []string, line string) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", line)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s:\n%s", line, out)
	return string(out)
}

func (s *served) getStatus(path string) int {
	s.t.Helper()
	resp, err := http.Get(s.base + path)
	require.NoError(s.t, err)
	resp.Body.Close()
	return resp.StatusCode
}
