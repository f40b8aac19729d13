# CALKit — the two commands a fresh clone needs are `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
BUILD := .build
VENV := $(BUILD)/venv
PYTHON := $(VENV)/bin/python3
CALKIT := $(BUILD)/debug/calkit
STATE ?= .state/demo

.PHONY: run test build deps venv certs bench clean

## run: the main job end to end on a fresh state folder (SQLite, embedded), printing each step
run: build
	@scripts/demo.sh "$(abspath $(CALKIT))" "$(abspath $(STATE))"

## test: build everything and run every test, interop with OpenSSL, Python cryptography and pkilint included
test: deps venv
	$(SWIFT) build --build-tests
	CALKIT_BIN="$(abspath $(CALKIT))" CALKIT_PYTHON="$(abspath $(PYTHON))" CALKIT_VENV="$(abspath $(VENV))" \
		$(SWIFT) test --skip-build

build: deps
	$(SWIFT) build --product calkit

## deps: Debian packages the build and the tests need (SQLite headers for GRDB, the OpenSSL 3 CLI,
## Python with venv, curl for the HTTP tests); quick when they are already there
deps:
	@dpkg -s libsqlite3-dev >/dev/null 2>&1 && command -v openssl >/dev/null && command -v python3 >/dev/null \
		&& command -v curl >/dev/null \
		|| { apt-get update -qq && apt-get install -y -qq libsqlite3-dev openssl python3 python3-venv curl; }

## venv: Python cryptography and pkilint, the independent verifiers, in .build/venv
venv: $(VENV)/.installed

$(VENV)/.installed:
	python3 -m venv $(VENV) || { apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv $(VENV); }
	$(VENV)/bin/pip install --quiet --disable-pip-version-check "cryptography>=42" "pkilint>=0.10" "pyyaml>=6"
	touch $@

## certs: regenerate the sample PKI in certs/ with calkit itself
certs: build
	scripts/make-certs.sh "$(abspath $(CALKIT))" certs

## bench: release-build benchmark of signing, minting, verifying, CRLs, and the license server over HTTP
bench: deps
	$(SWIFT) build -c release --product calkit
	$(SWIFT) build -c release --product CALBench
	$(BUILD)/release/CALBench

clean:
	rm -rf $(BUILD) .state
