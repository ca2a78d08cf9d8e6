# crdkg: set-up, checks and releases. `make help` lists the targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
CRDKG := $(BIN)/crdkg

.DEFAULT_GOAL := help
.PHONY: help demo test test-fast lint venv venv-test format check-format validate export release bench clean

help: ## list the targets with their purpose
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# cffconvert 2.0.0 pins jsonschema<4 (openapi-spec-validator needs 4): installed without
	# its dependencies (the others are in the test extra); tests/test_release.py runs it
	$(BIN)/python -m pip install --quiet --no-deps 'cffconvert==2.0.0'
	# crdkg's dependencies and build backend as wheels, for the pre-commit test, which installs
	# crdkg as pre-commit does, with no network (tests/test_release.py)
	$(BIN)/python -m pip download --quiet --dest $(VENV)/wheelhouse . hatchling
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed ## create .venv and install crdkg

venv-test: $(VENV)/.installed-test ## create .venv and install crdkg with the test dependencies

demo: venv ## the main job: what the embedded graph holds, and a few questions answered
	$(CRDKG) info
	$(CRDKG) query strategy-overview
	$(CRDKG) query macro-regions
	$(CRDKG) query divisions-in-region --param region=west
	$(CRDKG) query division-profile --param division=四川省 --lang zh
	$(CRDKG) query targeting-region --param "region=Xiong County"
	$(CRDKG) query division-profile --param division=峨边 --lang zh
	$(CRDKG) query divisions-within --param region=乐山市
	$(CRDKG) query code-history --param code=110103
	$(CRDKG) query division-series --param division=四川
	$(CRDKG) query evidence --param resource=task:western-development
	$(CRDKG) validate

test: venv-test ## run the test suite (pytest), as CI does: one process per CPU, a test file per process at a time
	$(BIN)/python -m pytest -n auto --dist loadfile

test-fast: venv-test ## the tests that start no server, browser or reference engine (the inner loop)
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "not server and not reference"

lint: venv-test ## ruff, mypy over the package, and mypy --strict over a caller of the API
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python -m mypy
	$(BIN)/python -m mypy --strict tests/typing/user_script.py

format: venv ## rewrite the Turtle files in canonical form
	$(CRDKG) format

check-format: venv ## fail when a Turtle file is not in canonical form
	$(CRDKG) format --check

validate: venv ## validate the shipped graph against the shapes and quality checks
	$(CRDKG) validate

export: venv ## write the graph to dist/ in every export format
	$(CRDKG) export --out dist

release: venv ## write the release of this version to releases/crdkg-VERSION (RELEASE.md says the whole order)
	$(CRDKG) release --out releases

bench: venv-test ## run the benchmarks and print their figures (docs/benchmarks.md keeps them)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/serve.py
	$(BIN)/python benchmarks/disparity.py
	$(BIN)/python benchmarks/places.py

clean: ## remove the virtual environment, caches and build output
	rm -rf $(VENV) dist build .pytest_cache src/*.egg-info
