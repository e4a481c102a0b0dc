# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# the compiled core (cleaner._core): a Rust crate that pip builds through maturin
CRATE := core
CRATE_SOURCES := Cargo.toml Cargo.lock $(CRATE)/Cargo.toml $(wildcard $(CRATE)/src/*.rs)
# rustup installs cargo here; a shell that has not read ~/.cargo/env still finds it
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test lint format install clean chromium fuzz cargo rust

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# uninstall first: a .venv made while the distribution was named cleaner (now cleaner-text) would
# otherwise keep both, and both own the cleaner command
$(STAMP): $(BIN)/python pyproject.toml $(CRATE_SOURCES) | cargo
	$(BIN)/python -m pip uninstall --quiet --quiet --yes cleaner
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,integrations]'
	touch $@

install: $(STAMP)

## make run: install, then clean every seed into out/seeds.jsonl with a per-document summary
run: $(STAMP)
	@mkdir -p out
	$(BIN)/cleaner clean seeds/*.txt --format jsonl -o out/seeds.jsonl --summary
	@echo "wrote out/seeds.jsonl"

## make test: install the test extras (and Chromium where it can be), lint (Rust too), and run the whole suite
test: $(TEST_STAMP) chromium rust
	$(BIN)/ruff check cleaner tests benchmarks
	$(BIN)/ruff format --check cleaner tests benchmarks
	$(BIN)/python -m pytest

## make cargo: fail, saying how to install it, where Rust's cargo is missing
cargo:
	@command -v cargo >/dev/null 2>&1 || { echo "cargo not found: building cleaner needs Rust (cargo, rustc 1.85 or later)." \
		"Install it with rustup: curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y" \
		"(then open a new shell, or run: . \"\$$HOME/.cargo/env\"), and run make again" >&2; exit 1; }

## make rust: the crate's format, lints (warnings fail) and unit tests
rust: cargo
	cd $(CRATE) && cargo fmt --check
	cd $(CRATE) && cargo clippy --quiet --all-targets -- -D warnings
	cd $(CRATE) && cargo test --quiet

## make chromium: Debian's Chromium for the browser test of the HTML report; never fails the build
# sudo (non-interactive) only when not root and sudo exists
SUDO = $(shell [ "$$(id -u)" -eq 0 ] || ! command -v sudo >/dev/null 2>&1 || echo sudo -n)
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
		|| ($(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "chromium could not be installed; the browser test will be skipped"

## make fuzz: coverage-guided fuzzing (atheris) of the HTML and the text path, FUZZ_SECONDS each;
## crashes land in fuzz/crashes/ and make the target fail
FUZZ_SECONDS ?= 120
FUZZ_FLAGS = -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=3072 -artifact_prefix=fuzz/crashes/
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	@mkdir -p fuzz/corpus/html fuzz/corpus/text fuzz/crashes
	@cp -n fixtures/html/*.html fuzz/corpus/html/ && cp -n seeds/*.txt fuzz/corpus/text/  # seeds: libFuzzer writes into its corpus
	$(BIN)/python fuzz/fuzz_html.py fuzz/corpus/html -dict=fuzz/html.dict $(FUZZ_FLAGS)
	$(BIN)/python fuzz/fuzz_text.py fuzz/corpus/text $(FUZZ_FLAGS)

## make fuzz-core: coverage-guided fuzzing (cargo-fuzz, nightly Rust) of the core's pure-Rust layer,
## FUZZ_SECONDS per target; crashes land in core/fuzz/artifacts/ and make the target fail
.PHONY: fuzz-core
FUZZ_CORE = cd $(CRATE)/fuzz && mkdir -p corpus/$(1) && nice -n 10 cargo +nightly fuzz run $(1) corpus/$(1) $(2) \
	-- -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=3072 $(3)
fuzz-core: cargo
	@command -v cargo-fuzz >/dev/null 2>&1 || { echo "cargo-fuzz not found: install it with" \
		"cargo install cargo-fuzz (it needs the nightly toolchain: rustup toolchain install nightly)" >&2; exit 1; }
	$(call FUZZ_CORE,text,../../seeds,-max_len=1024)
	$(call FUZZ_CORE,forest_parse,seeds/forest,-dict=forest.dict)
	$(call FUZZ_CORE,forest_eval)
	$(call FUZZ_CORE,features)
	$(call FUZZ_CORE,html,../../fixtures/html,-dict=../../fuzz/html.dict -max_len=65536)

lint: $(TEST_STAMP)
	$(BIN)/ruff check cleaner tests benchmarks

format: $(TEST_STAMP)
	$(BIN)/ruff format cleaner tests benchmarks
	$(BIN)/ruff check --fix cleaner tests benchmarks

clean:
	rm -rf $(VENV) out build *.egg-info .pytest_cache .ruff_cache $(CRATE)/target cleaner/_core.*.so
