# Thin wrappers; every target sets up what it needs on a fresh machine with python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when something the wheel is built from has changed.
SOURCES := pyproject.toml $(shell find welkin_async codegen schemas -type f \
	-not -path '*/__pycache__/*' -not -path '*/_generated/*' 2>/dev/null)

.PHONY: redis-server setup demo generate generate-check lint typecheck docs test bench bench-quick bench-emulator bench-structure clean

$(BIN)/python:
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { apt-get update && apt-get install -y python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A real (non-editable) install: it builds the wheel, which runs the codegen build hook, so
# every test run also proves that `pip install .` yields importable models.
$(VENV)/.installed: $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install --quiet ".[test]"
	@touch $@

setup: $(VENV)/.installed

# The demo needs fewer extras than the tests (emulator, generator, progress bars, fast JSON).
$(VENV)/.demo-installed: $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install --quiet ".[demo]"
	@touch $@

# The main job: `welkin-async demo` on the embedded emulator, about 10 s after the install;
# `make demo DEMO_ARGS="--patients 100000"`, or `--base-url` for a real tenant.
demo: $(VENV)/.demo-installed
	$(BIN)/welkin-async demo $(DEMO_ARGS)

generate: setup
	$(BIN)/python -m welkin_codegen core --root .

generate-check: setup
	$(BIN)/python -m welkin_codegen core --root . --check

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

# The API reference from the docstrings, into site/ (open site/index.html). --strict turns every
# warning, such as a reference to a name that is gone, into a failure. About 15 s.
docs: setup
	$(BIN)/mkdocs build --strict

# The fleet tests (tests/fleet) and the fleet bench run a real redis-server, started by a fixture
# on a free loopback port; install it when the machine has none (you are root in CI).
redis-server:
	@command -v redis-server >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server \
		|| { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server; }

test: lint typecheck generate-check docs redis-server
	$(BIN)/pytest

# The benchmark contenders (pydantic) and the charts (matplotlib) on top of the demo's extras.
$(VENV)/.bench-installed: $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install --quiet ".[bench]"
	@touch $@

# Every scenario against its alternatives in one run: bench/results/results.md and PNGs
# (about 15 minutes on 2 cores); `make bench BENCH_ARGS="--only throughput"` for some of them.
bench: $(VENV)/.bench-installed redis-server
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The same scenarios, each small: about 2 minutes.
bench-quick: $(VENV)/.bench-installed redis-server
	$(BIN)/python bench/run.py --quick $(BENCH_ARGS)

# Pages/s of 100 patients the emulator serves from one process on one core (about 30 s);
# `make bench-emulator BENCH_ARGS=--quick` for a short run.
bench-emulator: setup
	$(BIN)/python bench/emulator_pages.py $(BENCH_ARGS)

# µs per record from JSON bytes to Patient and to a 40-field CDT class: welkin_async, plain
# cattrs and pydantic v2 against decoding alone (about 20 s).
bench-structure: $(VENV)/.bench-installed
	$(BIN)/python bench/structuring.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist site .mypy_cache .pytest_cache .ruff_cache .hypothesis
