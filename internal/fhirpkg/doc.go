// Package fhirpkg reads FHIR conformance resources (ValueSet, CodeSystem and
// any others) from the sources a terminology server is configured with: single
// .json files, Bundles, FHIR NPM packages (.tgz or .tar.gz, as the FHIR package
// registry ships them) and directories of those. It returns each resource as
// its raw JSON with a little metadata (resourceType, id, url, version, and
// where it came from), and knows nothing of what a ValueSet means.
//
// Reading is all or nothing at the level of a source: a source that cannot be
// opened, or an archive that is not a valid gzip/tar stream, is an error, so
// that a server never starts half loaded. A single bad file inside a package
// or directory is reported in Result.Skipped and the rest still loads.
//
// Archives are never unpacked to disk; member names are only cleaned for
// display, and Options.MaxFileBytes and Options.MaxTotalBytes bound what a
// hostile archive can make Read decompress or hold.
//
// It must import only the standard library: no gin, no go-redis, no FHIR
// model packages, and no package of this module.
package fhirpkg
