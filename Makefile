# ConvLab: two commands matter.
#   make lab    creates the environment if needed, builds if needed, starts JupyterLab
#   make test   creates the environment if needed, runs every test
# Needs only Python 3.11 and pip.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.convlab-installed
# The course's languages are the folders of course/locales holding catalogs
# (convlab/build/catalogs.py); LANGS= restricts a build, e.g. make build LANGS=en,es.
LANGS  ?=
LANG_OPT := $(if $(LANGS),--lang $(LANGS))
# nbgrader runs `alembic` from PATH: put the environment's scripts first.
export PATH := $(abspath $(BIN)):$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: lab test build check-build i18n lint bench env clean help

help:
	@echo "make lab     start JupyterLab on the course (installs and builds if needed)"
	@echo "make test    run every test (installs if needed)"
	@echo "make build   rebuild course/<lang>/ from course/lessons and course/locales"
	@echo "make i18n    refresh translation catalogs after editing a lesson"
	@echo "make bench   run the speed benchmark (table + plot in bench-results/)"

env: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install it or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[test]"
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/convlab build $(LANG_OPT)

check-build: $(STAMP)
	$(BIN)/convlab build --check $(LANG_OPT)

# make lab LAB_LOCALE=es_ES (or ja_JP): JupyterLab's own menus in that language
# (its settings for this course live in .venv/lab-settings/<locale>/).
LAB_LOCALE ?=
LAB_SETTINGS := $(abspath $(VENV))/lab-settings/$(LAB_LOCALE)

lab: $(STAMP)
	$(BIN)/convlab build --check $(LANG_OPT) >/dev/null || $(BIN)/convlab build $(LANG_OPT)
	@if [ -n "$(LAB_LOCALE)" ]; then \
		mkdir -p "$(LAB_SETTINGS)/@jupyterlab/translation-extension"; \
		printf '{"locale": "%s"}\n' "$(LAB_LOCALE)" \
			> "$(LAB_SETTINGS)/@jupyterlab/translation-extension/plugin.jupyterlab-settings"; \
	fi
	$(if $(LAB_LOCALE),JUPYTERLAB_SETTINGS_DIR="$(LAB_SETTINGS)") $(BIN)/jupyter lab --notebook-dir=course

# pytest exits 5 when it collects no test: for this suite that means broken
# paths or plugins, so it is reported and fails like any other error.
test: $(STAMP)
	@$(BIN)/python -m pytest -n auto --dist loadscope --nbval-lax --nbval-current-env --nbval-cell-timeout=300 \
		tests convlab $(wildcard course/*/source); \
	rc=$$?; if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

i18n: $(STAMP)
	$(BIN)/convlab i18n update
	$(BIN)/convlab i18n check

lint: $(STAMP)
	$(BIN)/ruff check convlab tests
	$(BIN)/ruff format --check convlab tests

bench: $(STAMP)
	$(BIN)/convlab bench

clean:
	rm -rf $(VENV) bench-results
