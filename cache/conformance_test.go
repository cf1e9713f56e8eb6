package cache_test

import (
	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/fhir"
)

// The tiers satisfy the interfaces the middleware declares; cache itself
// never imports fhir.
var (
	_ fhir.SharedCache = (*cache.Redis)(nil)
	_ fhir.LocalCache  = (*cache.Local)(nil)
)
