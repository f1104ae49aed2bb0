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
	@echo "make env          only create the environment in $(VENV)/ (pip install -e '.[test]')"
	@echo "make build        rebuild course/<lang>/ from course/lessons and course/locales"
	@echo "make check-build  fail if a built notebook differs from a fresh build (slow)"
	@echo "make i18n         refresh translation catalogs after editing a lesson"
	@echo "make lint         ruff check and ruff format --check"
	@echo "make bench        run the speed benchmark (table + plot in bench-results/)"
	@echo "make lab LAB_LOCALE=es_ES   JupyterLab's menus in Spanish (ja_JP: Japanese)"
	@echo "make formgrader LANG=es   instructors: JupyterLab with nbgrader's formgrader in course/es/"
	@echo "make clean        remove the environment and benchmark results"
	@echo ""
	@echo "The environment's commands: $(VENV)/bin/convlab, $(VENV)/bin/jupyter, $(VENV)/bin/python ..."
	@echo "or activate it first: 'source $(VENV)/bin/activate'."

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

# `build --up-to-date` compares content hashes recorded by the last build (well
# under a second); only when something changed does the course get rebuilt.
lab: $(STAMP)
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
formgrader: $(STAMP)
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
