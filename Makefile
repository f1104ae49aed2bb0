# ConvLab: two commands matter.
#   make lab    creates the environment if needed, builds if needed, starts JupyterLab
#   make test   creates the environment if needed, runs every test
# Needs only Python 3.11 and pip.
#
# Two install levels, one stamp each: a student's (pip install -e ., what the
# lessons need) and a developer's (pip install -e '.[test,grading-scale]': test
# tools, PostgreSQL and Dask for grading past one machine). The developer's
# includes the student's, so `make lab` after `make test` installs nothing.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
# Developer install (make test, make lint); LAB_STAMP: student install (make lab, build ...).
STAMP  := $(VENV)/.convlab-installed-dev
LAB_STAMP := $(VENV)/.convlab-installed-lab
# The course's languages are the folders of course/locales holding catalogs
# (convlab/coursebuild/catalogs.py); LANGS= restricts a build, e.g. make build LANGS=en,es.
LANGS  ?=
LANG_OPT := $(if $(LANGS),--lang $(LANGS))
# nbgrader runs `alembic` from PATH: put the environment's scripts first.
export PATH := $(abspath $(BIN)):$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2

# JupyterLab as root (Docker, course servers) needs --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
ROOT_NOTE = running as root, so JupyterLab is started with --allow-root.
# Project-local Jupyter settings (jupyter/student, jupyter/instructor): which
# nbgrader extensions a student or an instructor sees. Read before the user's own.
LAB_ENV = JUPYTER_CONFIG_PATH=$(abspath jupyter/$(1))

.PHONY: lab formgrader test test-fast build check-build i18n lint bench env clean help

help:
	@echo "Set-up: 'make lab' (students) and 'make test' (developers) are all you need."
	@echo ""
	@echo "make lab          start JupyterLab on the course (installs and builds if needed)"
	@echo "make test         run every test (installs if needed)"
	@echo "make test-fast    the quick loop: library and checks tests, no notebooks, grading, browser or TensorFlow"
	@echo "make env          only create the student environment in $(VENV)/ (pip install -e .);"
	@echo "                  make test and make lint add the developer's: pip install -e '.[test,grading-scale]'"
	@echo "make build        rebuild course/<lang>/ from course/lessons and course/locales"
	@echo "make check-build  fail if a built notebook differs from a fresh build (slow)"
	@echo "make i18n         refresh translation catalogs after editing a lesson"
	@echo "make lint         ruff check, ruff format --check and mypy (convlab/)"
	@echo "make bench        run the speed benchmark (table + plot in bench-results/)"
	@echo "make lab LAB_LOCALE=es_ES   JupyterLab's menus in Spanish (ja_JP: Japanese)"
	@echo "make formgrader LANG=es   instructors: JupyterLab with nbgrader's formgrader in course/es/"
	@echo "make clean        remove the environment and benchmark results"
	@echo ""
	@echo "The environment's commands: $(VENV)/bin/convlab, $(VENV)/bin/jupyter, $(VENV)/bin/python ..."
	@echo "or activate it first: 'source $(VENV)/bin/activate'."

env: $(LAB_STAMP)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install it or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# The student's install; already there when the developer's is up to date.
$(LAB_STAMP): pyproject.toml | $(BIN)/python
	@if [ $(STAMP) -nt pyproject.toml ]; then echo "make: the developer install includes the student's"; \
	else $(BIN)/python -m pip install -e . || exit 1; fi
	touch $(LAB_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e ".[test,grading-scale]"
	touch $(STAMP) $(LAB_STAMP)

build: $(LAB_STAMP)
	$(BIN)/convlab build $(LANG_OPT)

check-build: $(LAB_STAMP)
	$(BIN)/convlab build --check $(LANG_OPT)

# make lab LAB_LOCALE=es_ES (or ja_JP): JupyterLab's own menus in that language
# (its settings for this course live in .venv/lab-settings/<locale>/).
LAB_LOCALE ?=
LAB_SETTINGS := $(abspath $(VENV))/lab-settings/$(LAB_LOCALE)

# `build --up-to-date` compares content hashes recorded by the last build (well
# under a second); only when something changed does the course get rebuilt.
lab: $(LAB_STAMP)
	@$(BIN)/convlab build --up-to-date $(LANG_OPT) >/dev/null || $(BIN)/convlab build $(LANG_OPT)
	@if [ -n "$(LAB_LOCALE)" ]; then \
		mkdir -p "$(LAB_SETTINGS)/@jupyterlab/translation-extension"; \
		printf '{"locale": "%s"}\n' "$(LAB_LOCALE)" \
			> "$(LAB_SETTINGS)/@jupyterlab/translation-extension/plugin.jupyterlab-settings"; \
	fi
	@$(if $(ROOT_FLAG),echo "make lab: $(ROOT_NOTE)")
	$(if $(LAB_LOCALE),JUPYTERLAB_SETTINGS_DIR="$(LAB_SETTINGS)") $(call LAB_ENV,student) $(BIN)/jupyter lab --notebook-dir=course $(ROOT_FLAG) $(LAB_ARGS)

# Instructors: nbgrader's formgrader needs the server to start in one course directory.
LANG_DIR = course/$(or $(filter-out C C.UTF-8 POSIX,$(firstword $(subst ., ,$(subst _, ,$(LANG))))),en)
formgrader: $(LAB_STAMP)
	@test -f $(LANG_DIR)/nbgrader_config.py || { echo "no course directory $(LANG_DIR): use LANG=en, es or ja"; exit 1; }
	@$(if $(ROOT_FLAG),echo "make formgrader: $(ROOT_NOTE)")
	@echo "make formgrader: JupyterLab in $(LANG_DIR); open Nbgrader > Formgrader."
	cd $(LANG_DIR) && $(call LAB_ENV,instructor) $(abspath $(BIN))/jupyter lab $(ROOT_FLAG) $(LAB_ARGS)

# pytest exits 5 when it collects no test: for this suite that means broken
# paths or plugins, so it is reported and fails like any other error.
test: $(STAMP)
	@$(BIN)/python -m pytest -n auto --dist loadscope --nbval-lax --nbval-current-env --nbval-cell-timeout=300 \
		tests convlab $(wildcard course/*/source); \
	rc=$$?; if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

# The quick loop for contributors: the library's and the checks' tests (doctests
# included), without notebooks, grading, browser, PostgreSQL (marker `slow`,
# set by conftest.py) or TensorFlow (marker `tensorflow`: its import costs
# seconds in every process; `make test` runs them). Target: 90 s on 2 cores.
test-fast: $(STAMP)
	@$(BIN)/python -m pytest -n 2 -m "not slow and not tensorflow" tests/library tests/checks convlab; \
	rc=$$?; if [ $$rc -eq 5 ]; then echo "make test-fast: pytest collected no tests" >&2; exit 1; fi; exit $$rc

i18n: $(LAB_STAMP)
	$(BIN)/convlab i18n update
	$(BIN)/convlab i18n check

lint: $(STAMP)
	$(BIN)/ruff check convlab tests
	$(BIN)/ruff format --check convlab tests
	$(BIN)/mypy

bench: $(LAB_STAMP)
	$(BIN)/convlab bench

clean:
	rm -rf $(VENV) bench-results
