# Makefile — convenience entry points for arrears (the build itself is Meson's).
#
#   make build   install missing Debian packages, configure ./build, compile
#   make demo    build, a fresh arrears.db with a 5000-account demo portfolio and the
#                nightly batch and letters run for today (interest, aging, strategy
#                queues; letters/ holds the PDFs and the print manifest), then
#                `arrears serve` on http://127.0.0.1:8080 (Ctrl-C stops it)
#   make test    the whole suite: unit, ASan+UBSan, PostgreSQL, integration, fuzz
#   make bench   benchmarks (bench/run)
#   make fuzz    long fuzz runs (10 minutes per target)
#   make format  clang-format the C sources in place
#   make clean   remove the build directories
#
# Works from a fresh clone and never reads stdin.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
.PHONY: build demo test bench fuzz format clean

ARREARS := ./build/arrears

build:
	@scripts/deps </dev/null
	@if [ ! -f build/build.ninja ]; then meson setup build </dev/null; fi
	meson compile -C build </dev/null
	@scripts/web-build </dev/null

DEMO_LISTEN ?= 127.0.0.1:8080

demo: build
	rm -f arrears.db arrears.db-wal arrears.db-shm
	$(ARREARS) init </dev/null
	$(ARREARS) demo --accounts 5000 --seed 42 </dev/null
	$(ARREARS) batch run --as-of $$(date -u +%F) --quiet </dev/null
	rm -rf letters
	$(ARREARS) letters run --as-of $$(date -u +%F) --out letters </dev/null
	@echo
	@echo "Demo database ready: $(CURDIR)/arrears.db (5000 accounts, seed 42)."
	@echo
	@echo "The workstation: http://$(DEMO_LISTEN)/   Demo logins (password: arrears-demo):"
	@echo "  alice, ben, carmen   collector (\"My work\", Next, log calls, post payments)"
	@echo "  sam.supervisor       supervisor (reversals, adjustments, reveal SSN/DOB)"
	@echo "  cora.compliance      compliance (reveal SSN/DOB, audit log)"
	@echo "  admin                admin (clients, users, API tokens)"
	@echo "  mercy.portal         client MERCY (read-only, its own accounts)"
	@echo
	@echo "The same from the command line (in another terminal, in this directory):"
	@echo "  $(ARREARS) account list --limit 20"
	@echo "  $(ARREARS) account search rivera"
	@echo "  $(ARREARS) --as alice work next"
	@echo "  $(ARREARS) pay 1 25.00 --method card --key demo-1"
	@echo "  $(ARREARS) --as sam.supervisor account show 1 --reveal"
	@echo "  $(ARREARS) audit list --limit 10"
	@echo "  $(ARREARS) letters list --as-of $$(date -u +%F)   # PDFs and manifest in letters/"
	@echo
	@echo "Starting the server; Ctrl-C stops it."
	exec $(ARREARS) serve --listen $(DEMO_LISTEN) --static web/dist </dev/null

test:
	scripts/test-all </dev/null

bench: build
	@if [ -x bench/run ]; then bench/run </dev/null; \
	else echo "make bench: bench/run does not exist yet; nothing to run"; fi

fuzz:
	@scripts/deps </dev/null
	scripts/fuzz-run 600 </dev/null

format:
	find src tests fuzz -type f \( -name '*.c' -o -name '*.h' \) -print0 | xargs -0 -r clang-format -i

clean:
	rm -rf build build-asan build-fuzz
