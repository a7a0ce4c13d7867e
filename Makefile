# The two commands a newcomer needs: `make run` and `make test`.
SWIFT ?= swift
# Options for `make run`, e.g. make run ARGS="--port 9000 --site-title 'My notes'"
ARGS ?=

.PHONY: run test build deps screenshots clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

run: build
	.build/debug/galley serve $(ARGS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	scripts/check-feeds.sh

# Headless Chromium pictures of the theme, for the README (docs/screenshots/).
screenshots: build
	@scripts/install-deps.sh chromium fonts-dejavu-core
	scripts/screenshots.sh

clean:
	rm -rf .build
