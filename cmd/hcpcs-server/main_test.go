package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRunHelpAndVersion: --help lists the subcommands, --version and the
// version subcommand print the version, and an unknown command is a usage
// error that lists them too.
func TestRunHelpAndVersion(t *testing.T) {
	subcommands := []string{"serve", "fetch", "version", "help"}
	tests := []struct {
		args       []string
		wantStdout []string // each must appear
		wantStderr string
		wantErr    error
	}{
		{[]string{"--help"}, subcommands, "", nil},
		{[]string{"-h"}, subcommands, "", nil},
		{[]string{"help"}, subcommands, "", nil},
		{[]string{"--version"}, []string{"hcpcs-server " + softwareVersion() + "\n"}, "", nil},
		{[]string{"-version"}, []string{"hcpcs-server " + softwareVersion() + "\n"}, "", nil},
		{[]string{"version"}, []string{"hcpcs-server " + softwareVersion() + "\n"}, "", nil},
		{[]string{"fetch", "--help"}, []string{"Usage: hcpcs-server fetch"}, "", nil},
		{[]string{"serve", "--help"}, nil, "-listen", nil},
		{[]string{"--listen", ":0", "--help"}, nil, "-listen", nil}, // flags first: serve
		{[]string{"frobnicate"}, nil, `unknown command "frobnicate"`, errUsage},
	}
	for _, tc := range tests {
		t.Run(tc.args[0]+" "+tc.args[len(tc.args)-1], func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, &stdout, &stderr)
			require.ErrorIs(t, err, tc.wantErr)
			if tc.wantErr == nil {
				require.NoError(t, err)
			}
			for _, want := range tc.wantStdout {
				require.Contains(t, stdout.String(), want)
			}
			require.Contains(t, stderr.String(), tc.wantStderr)
			if tc.wantErr != nil {
				for _, sub := range subcommands {
					require.Contains(t, stderr.String(), sub, "the usage error lists the subcommands")
				}
			}
		})
	}
}

// TestVersionStamped: -ldflags -X main.version (make build, the
// Dockerfile) is the version reported, which /metadata carries as
// software.version (TestReadmeMakeRun checks a built binary end to end).
func TestVersionStamped(t *testing.T) {
	old := version
	t.Cleanup(func() { version = old })
	version = "0123abc-dirty.4567def"
	require.Equal(t, "0123abc-dirty.4567def", softwareVersion())
	var stdout bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"--version"}, func(string) string { return "" }, &stdout, &bytes.Buffer{}))
	require.Equal(t, "hcpcs-server 0123abc-dirty.4567def\n", stdout.String())
}
