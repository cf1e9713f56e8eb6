// Command hcpcs-server serves CMS HCPCS Level II as a FHIR R4 terminology
// server.
//
//	hcpcs-server [serve] [flags]   load the releases and serve the FHIR API (default)
//	hcpcs-server fetch [flags]     download CMS release ZIPs into the data directory
//	hcpcs-server version           print the version
//
// Every flag has an environment variable; the flag wins.
package main
