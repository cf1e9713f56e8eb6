// Command ceiling is the bare Go HTTP server that load measurements set
// beside hcpcs-server: it answers every request with a fixed FHIR JSON body
// of the given size, so that the same load script against both shows what
// the server costs beyond net/http itself.
package main
