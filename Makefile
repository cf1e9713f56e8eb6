# hcpcs-server: `make run` builds, gets the data if missing, and serves; `make test` runs every test.
SHELL := /bin/bash
GO    ?= go
FUZZTIME ?= 30s
# PORT and DATA are empty unless given (make run PORT=9090 DATA=path): then
# the server reads HCPCS_LISTEN and HCPCS_DATA, else its defaults :8080 and
# ./data. DATA (or HCPCS_DATA) given is served as it is: never a download.
PORT  ?=
DATA  ?=
# VERSION is stamped into the binary: `hcpcs-server --version`, and the
# software.version of /metadata, by which the HL7 validator caches our
# TerminologyCapabilities. An uncommitted change adds a hash of the diff, so
# that two different dirty builds never share a version.
ifndef VERSION
VERSION := $(shell v=$$(git describe --tags --always --dirty 2>/dev/null) || v=dev; \
	if [[ $$v == *-dirty ]]; then v=$$v.$$(git diff HEAD | git hash-object --stdin | cut -c1-7); fi; echo $$v)
endif

.PHONY: help run data build test test-go js lint bench load fuzz docker clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

# The recipe execs the binary, so that the server is the process make
# started: kill -HUP and kill -TERM reach it (go run would get them and
# leave the server orphaned). DATA is not quoted, so that a ~ in it
# expands in every shell.
run: build ## serve DATA (default ./data, filled by `make data` when empty) on PORT (default 8080)
ifeq ($(DATA)$(HCPCS_DATA),)
	@scripts/data.sh
endif
	exec bin/hcpcs-server serve$(if $(PORT), --listen :$(PORT))$(if $(DATA), --data $(DATA))

data: build ## fill ./data from HCPCS_DATA_SOURCE, ../shared/hcpcs-data, or CMS (hcpcs-server fetch); nothing when it holds releases
	@scripts/data.sh

build: ## build bin/hcpcs-server, its version stamped from git describe
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/hcpcs-server ./cmd/hcpcs-server

js: ## install the node FHIR validator and client used by the tests
	@if [ ! -d testdata/js/node_modules ] || [ testdata/js/package-lock.json -nt testdata/js/node_modules ]; then \
		npm ci --prefix testdata/js --no-audit --no-fund; fi

test: js ## every test, with -race, against a real Redis (a throwaway one if none answers); prints the HL7 tx-ecosystem table; then each fuzz target for 3 s
	@mkdir -p bin
	@HCPCS_TX_REPORT=$(CURDIR)/bin/hl7-tx-report.txt scripts/with-redis.sh $(GO) test -race -count=1 -timeout 30m ./...
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

docker: ## build the container image, its version stamped as by make build
	docker build --build-arg VERSION=$(VERSION) -t hcpcs-server .

clean:
	rm -rf bin
