# Two commands a learner needs: `make lab` (set up and open the course) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOK_SOURCES := $(sort $(wildcard notebooks/[0-9][0-9]_*.py))
NOTEBOOKS := $(NOTEBOOK_SOURCES:.py=.ipynb)

.PHONY: setup lab test notebooks student bench verify clean

setup: $(STAMP)  ## create or update .venv (does nothing when nothing changed)

$(STAMP): pyproject.toml etc/jupyterlab-overrides.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# open .py lessons as notebooks on double-click (jupytext's notebook view)
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	cp etc/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

notebooks: setup $(NOTEBOOKS)  ## build the .ipynb files from their jupytext sources

notebooks/%.ipynb: notebooks/%.py
	$(BIN)/jupytext --quiet --to ipynb --output $@ $<

lab: notebooks  ## set up and open the course in JupyterLab
	$(BIN)/jupyter lab --notebook-dir=notebooks

test: notebooks  ## set up, then unit tests and every notebook top to bottom (offline)
	COURSE_OFFLINE=1 MPLBACKEND=Agg $(BIN)/python -m pytest -q tests
	COURSE_OFFLINE=1 MPLBACKEND=Agg $(BIN)/python -m pytest -q --nbval-lax -p tests.notebook_durations $(NOTEBOOKS)

student: setup  ## write the student notebooks (exercises replaced by stubs) to student/
	$(BIN)/python -m course student student

bench: setup  ## every lesson's figures as JSON under bench/
	@mkdir -p bench
	@for lesson in $$($(BIN)/python -m course list --lessons); do \
		$(BIN)/python -m course bench $$lesson --json bench/$$lesson.json || exit 1; done

verify: setup  ## SHA-256 of every shipped checkpoint and dataset
	$(BIN)/python -m course verify

clean:
	rm -rf $(VENV) $(NOTEBOOKS) student bench
