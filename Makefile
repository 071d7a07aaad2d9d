# govlint — one command to run, one to test. Everything goes through the project's own virtualenv.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: venv run analyze test test-fast models bench clean

$(BIN)/govlint: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned to the local CPU wheel (2.13.0); any other version pulls gigabytes of CUDA.
	# scale = Ray, so the distributed-engine test of `govlint scan --engine ray` runs in CI too.
	$(BIN)/pip install --quiet -e ".[dev,encoder,scale]"
	touch $(BIN)/govlint

venv: $(BIN)/govlint

## Start the API + web page on the bundled models (http://$(HOST):$(PORT)/)
run: venv
	$(BIN)/govlint serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

## Analyse the bundled sample draft and print the report
analyze: venv
	$(BIN)/govlint analyze data/fixtures/sample_draft.txt

## The whole test suite (what CI runs)
test: venv
	$(BIN)/python -m pytest -q -ra

test-fast: venv
	$(BIN)/python -m pytest -q -ra -m "not slow and not browser"

## Rebuild every trained artifact from ../shared (one command; comparable evaluation reports)
models: venv
	$(BIN)/govlint train genre
	$(BIN)/govlint train completeness
	$(BIN)/govlint train typo

bench: venv
	$(BIN)/govlint bench pipeline

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
