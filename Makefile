# The two commands a newcomer needs: `make run` and `make test`.
SWIFT ?= swift
# Options for `make run`, e.g. make run ARGS="--port 9000 --site-title 'My notes'"
ARGS ?=

.PHONY: run test build deps screenshots bench clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

run: build
	.build/debug/galley serve $(ARGS)

test: deps
	python3 scripts/check-imports.py
	$(SWIFT) build --build-tests
	scripts/postgres.sh run env GALLEY_REQUIRE_POSTGRES=1 $(SWIFT) test --skip-build
	scripts/check-feeds.sh
	scripts/check-deploy.sh
	scripts/check-browser.sh
	python3 Tests/postgres/check_replicas.py .build/debug/galley
	python3 Tests/crash/check_crash.py .build/debug/galley
	python3 Tests/export/check_round_trip.py .build/debug/galley 1000

# Headless Chromium pictures of the theme, for the README (docs/screenshots/).
screenshots: build
	@scripts/install-deps.sh chromium fonts-dejavu-core
	scripts/screenshots.sh

# Galley against nginx serving the same bytes, with wrk, on loopback (see BENCHMARKS.md).
# More posts or longer runs: make bench BENCH_ARGS="--posts 10000 --seconds 20"
BENCH_ARGS ?=
bench: deps
	@scripts/install-deps.sh wrk nginx-light
	python3 Benchmarks/web/bench.py $(BENCH_ARGS)

clean:
	rm -rf .build
