# Two commands a learner needs: `make lab` (set up and open the course) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.installed-browser
INSTRUCTOR_STAMP := $(VENV)/.installed-instructor
COURSEWORK := build/coursework
NOTEBOOK_SOURCES := $(sort $(wildcard notebooks/[0-9][0-9]_*.py))
# Each lesson's paired notebook (outputs kept) lives in notebooks/build/, out of the learner's way
# (jupytext.toml; etc/jupyter_lab_config.json hides the folder in JupyterLab's file browser).
NOTEBOOKS := $(patsubst notebooks/%.py,notebooks/build/%.ipynb,$(NOTEBOOK_SOURCES))

.PHONY: lint setup lab test notebooks student bench verify clean setup-browser test-browser gallery html \
	setup-instructor assign hub test-instructor

setup: $(STAMP)  ## create or update .venv (does nothing when nothing changed)

# Where the CPU-only torch comes from when pip's own index would give a CUDA build (stock Linux).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu

$(STAMP): pyproject.toml etc/jupyterlab-overrides.json etc/install_torch.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# the pinned torch as a CPU-only build: from pip's index when that one is CPU-only, else TORCH_INDEX
	TORCH_INDEX=$(TORCH_INDEX) $(BIN)/python etc/install_torch.py
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# open .py lessons as notebooks on double-click (jupytext's notebook view)
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	cp etc/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

notebooks: setup $(NOTEBOOKS)  ## build the .ipynb files from their jupytext sources

notebooks/build/%.ipynb: notebooks/%.py
	@mkdir -p $(@D)
	$(BIN)/jupytext --quiet --to ipynb --output $@ $<

lab: notebooks  ## set up and open the course in JupyterLab
	$(BIN)/jupyter lab --notebook-dir=notebooks --config=etc/jupyter_lab_config.json $(if $(filter 0,$(shell id -u)),--allow-root)

# Offline: the network guard in every Python process, inside a loopback-only network namespace
# where the system allows one (`run_offline` says so, or why not).
OFFLINE := COURSE_OFFLINE=1 $(BIN)/python -m course.core.run_offline

test: notebooks  ## set up, then unit tests and every notebook top to bottom (offline)
	MPLBACKEND=Agg $(OFFLINE) $(BIN)/python -m pytest -q -m "slow or not slow" tests
	MPLBACKEND=Agg $(OFFLINE) $(BIN)/python -m pytest -q --nbval-lax -p tests.notebook_durations $(NOTEBOOKS)

lint: setup  ## ruff (lint and format) on the course's code, and mypy's type check of course/
	$(BIN)/ruff check course tests tests_browser tests_instructor instructor etc
	$(BIN)/ruff format --check course tests tests_browser tests_instructor instructor etc
	$(BIN)/mypy

# The Chromium the browser tests drive: $COURSE_CHROMIUM, else the first of these on PATH.
FIND_CHROMIUM = $${COURSE_CHROMIUM:-$$(for b in chromium chromium-browser google-chrome google-chrome-stable; \
	do command -v $$b; done 2>/dev/null | head -n 1)}

setup-browser: $(BROWSER_STAMP)  ## Playwright in .venv, and Chromium from the system's packages
	@chromium="$(FIND_CHROMIUM)"; \
	if [ -n "$$chromium" ]; then echo "browser tests use $$chromium"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "installing Chromium with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "No Chromium found. Install it from your system's packages (Debian: apt-get install chromium;"; \
		echo "Ubuntu: apt-get install chromium-browser; Fedora: dnf install chromium; macOS: brew install"; \
		echo "--cask chromium), or set COURSE_CHROMIUM to the path of a Chromium or Chrome binary."; \
		exit 1; \
	fi

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,browser]"
	@touch $(BROWSER_STAMP)

test-browser: notebooks html setup-browser  ## every lesson in JupyterLab in Chromium (run, move its widgets), and the read-only site offline
	COURSE_OFFLINE=1 $(BIN)/python -m pytest -q tests_browser

gallery: notebooks setup-browser  ## the browser tests, keeping their screenshots in docs/gallery/
	COURSE_OFFLINE=1 COURSE_GALLERY_DIR=$(CURDIR)/docs/gallery $(BIN)/python -m pytest -q tests_browser

html: notebooks  ## every lesson executed and rendered read-only to docs/html/ (start at index.html); works offline
	@mkdir -p docs/html
	COURSE_OFFLINE=1 env -u MPLBACKEND $(BIN)/jupyter nbconvert --to html --execute \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.store_widget_state=True \
		--TemplateExporter.extra_template_basedirs=etc/site/templates --template course \
		--output-dir docs/html $(NOTEBOOKS)
	@# the widget renderer and maths typesetter the pages load, instead of a CDN
	rm -rf docs/html/vendor && cp -R etc/site/vendor docs/html/vendor
	$(BIN)/python etc/html_index.py docs/html $(NOTEBOOK_SOURCES)

student: setup  ## write the student notebooks (exercises replaced by stubs) to student/
	$(BIN)/python -m course student student

bench: setup  ## every lesson's figures, and the course's, as JSON in docs/bench/ (what the docs quote)
	@for lesson in $$($(BIN)/python -m course list --lessons) course robustness; do \
		$(BIN)/python -m course bench $$lesson --json docs/bench/$$lesson.json || exit 1; done

# ---- for instructors (docs/instructors.md): graded assignments and a class server
setup-instructor: $(INSTRUCTOR_STAMP)  ## otter-grader, JupyterHub and its proxy, Playwright in .venv

$(INSTRUCTOR_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,browser,instructor]"
	@touch $(INSTRUCTOR_STAMP)

assign: setup-instructor  ## every lesson as an otter assignment: student notebooks, autograder zips, solutions
	$(BIN)/python -m course assign $(COURSEWORK)

hub: assign  ## a JupyterHub for a class on http://127.0.0.1:8000 (students log in with the printed password)
	@mkdir -p build/hub
	@test -n "$$COURSE_HUB_PASSWORD" || test -s build/hub/password || \
		$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(9))" > build/hub/password
	@echo "class hub on http://127.0.0.1:$${COURSE_HUB_PORT:-8000}: any user name, password $${COURSE_HUB_PASSWORD:-$$(cat build/hub/password)}"
	COURSE_OFFLINE=1 $(BIN)/jupyterhub -f etc/hub/jupyterhub_config.py

test-instructor: setup-instructor  ## assign, grade made-up submissions, two students on the hub in Chromium
	COURSE_OFFLINE=1 MPLBACKEND=Agg $(BIN)/python -m pytest -q tests_instructor

verify: setup  ## SHA-256 of every shipped checkpoint and dataset
	$(BIN)/python -m course verify

clean:
	rm -rf $(VENV) notebooks/build student docs/html build/browser
