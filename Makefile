# CALKit — the two commands a fresh clone needs are `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
BUILD := .build
VENV := $(BUILD)/venv
PYTHON := $(VENV)/bin/python3
CALKIT := $(BUILD)/debug/calkit
STATE ?= .state/demo

.PHONY: bench-deps run test build deps venv certs bench fuzz clean postgres postgres-stop postgres-deps

## run: the main job end to end on a fresh state folder (SQLite, embedded), printing each step
run: build
	@scripts/demo.sh "$(abspath $(CALKIT))" "$(abspath $(STATE))"

## test: build everything and run every test, interop with OpenSSL, Python cryptography and pkilint included
## test: the whole suite, against a throwaway PostgreSQL cluster started for it (and stopped after,
## whatever the outcome)
test: deps venv postgres-deps
	$(SWIFT) build --build-tests
	@url=$$(scripts/postgres.sh start $(POSTGRES_DIR)) && status=0 && \
		CALKIT_TEST_POSTGRES_URL="$$url" CALKIT_BIN="$(abspath $(CALKIT))" CALKIT_PYTHON="$(abspath $(PYTHON))" CALKIT_VENV="$(abspath $(VENV))" \
		$(SWIFT) test --skip-build || status=$$?; scripts/postgres.sh stop $(POSTGRES_DIR); exit $$status

build: deps
	$(SWIFT) build --product calkit

## deps: Debian packages the build and the tests need (SQLite headers for GRDB, the OpenSSL 3 CLI,
## Python with venv, curl for the HTTP tests, strace for the durability test, Chromium and its driver
## for the web pages); quick when they are already there
deps:
	@dpkg -s libsqlite3-dev >/dev/null 2>&1 && command -v openssl >/dev/null && command -v python3 >/dev/null \
		&& command -v curl >/dev/null && command -v strace >/dev/null && command -v chromium >/dev/null && command -v chromedriver >/dev/null \
		|| { apt-get update -qq && apt-get install -y -qq libsqlite3-dev openssl python3 python3-venv curl strace chromium chromium-driver; }

## venv: Python cryptography and pkilint, the independent verifiers, schemathesis, which checks
## the services against docs/openapi*.yaml, and selenium, which drives Chromium through the web
## pages, in .build/venv (the stamp names what it holds)
VENV_STAMP := $(VENV)/.installed-cryptography-pkilint-schemathesis-selenium
venv: $(VENV_STAMP)

$(VENV_STAMP):
	python3 -m venv $(VENV) || { apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv $(VENV); }
	$(VENV)/bin/pip install --quiet --disable-pip-version-check "cryptography>=42" "pkilint>=0.10" "pyyaml>=6" "schemathesis>=4.32,<5" "selenium>=4.20"
	touch $@

## certs: regenerate the sample PKI in certs/ with calkit itself
certs: build
	scripts/make-certs.sh "$(abspath $(CALKIT))" certs

## bench: release-build benchmark of signing, minting, verifying, CRLs, and the license server over HTTP,
## beside Python cryptography and openssl ca -gencrl, and durable issuance on PostgreSQL with 1 to 3 nodes beside
## SQLite; figures in .build/bench/results.json (CALBENCH_QUICK=1: a few minutes; CALBENCH_ONLY=nodes: the node rows)
bench: deps venv bench-deps postgres-deps
	$(SWIFT) build -c release --product calkit
	$(SWIFT) build -c release --product CALBench
	$(BUILD)/release/CALBench

## bench-deps: the peers and tools only the bench runs: cfssl (its sign endpoint and gencrl) and GNU
## time (a child's own peak memory); quick when present. The bench leaves a peer's rows out if it is missing.
bench-deps:
	@command -v cfssl >/dev/null && test -x /usr/bin/time \
		|| { apt-get update -qq && apt-get install -y -qq golang-cfssl time; } || echo "bench: cfssl or GNU time not installable; their rows are left out"

## fuzz: libFuzzer on every parser a file or a request reaches (Fuzz/, -sanitize=fuzzer,address),
## FUZZ_SECONDS per target (default 60), seeded from certs/; inputs that crash are kept in
## Tests/FuzzRegressions/TARGET/, which `make test` replays
FUZZ_SECONDS ?= 60
FUZZ_BUILD := .build-fuzz
# libFuzzer's coverage and AddressSanitizer on the Swift code; the driver without libFuzzer's main,
# because SwiftPM names an executable's entry point itself (Fuzz/Sources/calkit-fuzz/main.swift).
FUZZ_FLAGS := -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
	-Xlinker $$(echo $$(dirname $$(command -v swiftc))/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a)
fuzz: deps
	cd Fuzz && $(SWIFT) build --build-path ../$(FUZZ_BUILD) --product calkit-fuzz $(FUZZ_FLAGS)
	scripts/fuzz.sh "$(abspath $(FUZZ_BUILD))/debug/calkit-fuzz" "$(FUZZ_SECONDS)" "$(abspath $(FUZZ_BUILD))/corpus"

## postgres: a throwaway PostgreSQL cluster under .build/postgres on a free loopback port, run as
## an unprivileged user (scripts/postgres.sh); prints its URL. postgres-stop stops it.
POSTGRES_DIR := $(BUILD)/postgres
postgres: postgres-deps
	@scripts/postgres.sh start $(POSTGRES_DIR)

postgres-deps:
	@command -v pg_ctlcluster >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql; }

postgres-stop:
	@scripts/postgres.sh stop $(POSTGRES_DIR)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) .state
