# hcpcs-server: `make run` gets the data and serves; `make test` runs every test.
SHELL := /bin/bash
GO    ?= go
PORT  ?= 8080
DATA  ?= ./data
FUZZTIME ?= 30s

.PHONY: help run data build test test-go js lint bench load fuzz docker clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

run: data ## get the CMS releases if missing, then serve on :$(PORT)
	$(GO) run ./cmd/hcpcs-server serve --data $(DATA) --listen :$(PORT)

data: ## fill ./data from $$HCPCS_DATA_SOURCE, ../shared/hcpcs-data, or CMS (fetch)
	@scripts/data.sh

build: ## build bin/hcpcs-server
	$(GO) build -o bin/hcpcs-server ./cmd/hcpcs-server

js: ## install the node FHIR validator and client used by the tests
	@if [ ! -d testdata/js/node_modules ] || [ testdata/js/package-lock.json -nt testdata/js/node_modules ]; then \
		npm ci --prefix testdata/js --no-audit --no-fund; fi

test: js ## every test, with -race, against a real Redis (a throwaway one if none answers); prints the HL7 tx-ecosystem table; then each fuzz target for 3 s
	@mkdir -p bin
	@HCPCS_TX_REPORT=$(CURDIR)/bin/hl7-tx-report.txt scripts/with-redis.sh $(GO) test -race -count=1 ./...
	@cat bin/hl7-tx-report.txt
	@scripts/with-redis.sh $(GO) test -run '^$$' -bench . -benchtime 1x ./...
	@GO=$(GO) scripts/fuzz.sh 3s

lint: ## go vet, gofmt, staticcheck
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

bench: js ## benchmarks: loading, operations, cache tiers
	@scripts/with-redis.sh $(GO) test -run '^$$' -bench . -benchmem -count 1 ./...

load: ## load scenarios beside a bare Go server, 1 and 16 connections (wrk, loopback; docs/performance.md)
	@scripts/load.sh

fuzz: ## run each fuzz target for $(FUZZTIME) (default 30s) on top of its seed corpus
	@GO=$(GO) scripts/fuzz.sh $(FUZZTIME)

docker: ## build the container image
	docker build -t hcpcs-server .

clean:
	rm -rf bin
