// Command hcpcs-server serves CMS HCPCS Level II as a FHIR R4 terminology
// server.
//
//	hcpcs-server [serve] [flags]   load the releases and serve the FHIR API (default)
//	hcpcs-server fetch [flags]     download CMS release ZIPs into the data directory
//	hcpcs-server version           print the version (also --version)
//	hcpcs-server help              list the commands (also --help)
//
// Every flag has an environment variable; the flag wins. HCPCS_ADMIN_TOKEN
// is an environment variable only (a flag would show in ps). The version
// is stamped by make build (-ldflags -X main.version) and reported as the
// software.version of /metadata.
//
// serve.go reads the flags and wires the packages into one gin engine:
// the FHIR API (with its access log, fhir/accesslog.go), the response
// cache (responsecache.go), the request metrics (metrics.go), and the
// operational routes /healthz, /readyz, /metrics and, with a token,
// POST /admin/reload. reload.go rereads the sources on SIGHUP or that
// POST, one reload at a time, counted in hcpcs_reloads_total; a failed
// reload keeps the previous data. drain.go stops without dropping a
// request on SIGTERM.
//
// deploy_test.go holds the manifests in deploy/ (Kubernetes, compose) and
// the Dockerfile's ENV to this command: its subcommands, flags, variables,
// probe paths, port and drain.
package main
