package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func softwareVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// softwareReleaseDate is the day the build's commit was made (vcs.time);
// "" when the build does not record it (go run, go test).
func softwareReleaseDate() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, st := range bi.Settings {
			if st.Key == "vcs.time" && len(st.Value) >= len("2006-01-02") {
				return st.Value[:len("2006-01-02")]
			}
		}
	}
	return ""
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "hcpcs-server:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// usage is the answer to `hcpcs-server --help`: the subcommands, and where
// their flags are listed.
const usage = `Usage: hcpcs-server [command] [flags]

A FHIR R4 terminology server for CMS HCPCS Level II.

Commands:
  serve     load the CMS releases and serve the FHIR API on /fhir (the default
            when no command is given: hcpcs-server --data DIR is serve)
  fetch     download CMS release ZIPs into the data directory
  version   print the version (also --version)
  help      print this text (also --help)

"hcpcs-server serve --help" and "hcpcs-server fetch --help" list each
command's flags. Every flag has an environment variable; the flag wins.
`

// run dispatches the subcommands; tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help":
			cmd, args = "help", args[1:]
		case "-version", "--version":
			cmd, args = "version", args[1:]
		default:
			if len(args[0]) > 0 && args[0][0] != '-' {
				cmd, args = args[0], args[1:]
			}
		}
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, getenv, stdout, stderr, nil)
	case "fetch":
		return runFetch(ctx, args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "hcpcs-server", softwareVersion())
		return nil
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "hcpcs-server: unknown command %q\n\n%s", cmd, usage)
	return errUsage
}
