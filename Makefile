# Two commands for learners: `make lab` and `make test`. Both build .venv first if needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_ARGS ?=
PYTEST_ARGS ?=

.PHONY: venv lab lab-settings test test-ui test-exercises test-unit test-notebooks lint notebooks exercises chinese \
	bench clean book test-book book-figures stats

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

UI_STAMP := $(VENV)/.installed-ui
$(UI_STAMP): $(STAMP) requirements-ui.txt
	$(BIN)/python -m pip install --quiet -r requirements-ui.txt
	touch $(UI_STAMP)

BOOK_STAMP := $(VENV)/.installed-book
$(BOOK_STAMP): $(STAMP) requirements-book.txt
	$(BIN)/python -m pip install --quiet -r requirements-book.txt
	touch $(BOOK_STAMP)

## JupyterLab's defaults for the course, in the venv's settings folder (JupyterLab reads
## <prefix>/share/jupyter/lab/settings/overrides.json; a learner's own settings still win):
## lab_settings/overrides.json turns off the "Would you like to get notified about official
## Jupyter news?" pop-up that covers the lab on first start (fetchNews "false": never fetch
## news, never ask), and the update check that would make a web request.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_SETTINGS): lab_settings/overrides.json
	mkdir -p $(dir $@)
	cp lab_settings/overrides.json $@

lab-settings: $(LAB_SETTINGS)

## Start JupyterLab on the course, both editions: exercises/ (to work in) and notebooks/ (the
## complete course with solutions). Localhost only, token authentication on. Jupyter refuses
## to run as root (e.g. in a container) without --allow-root: added only for root.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP) $(LAB_SETTINGS)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=. $(ROOT_ARGS) $(LAB_ARGS)

## Unit tests and every notebook under nbval (strict), two workers, a notebook per worker.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests notebooks --nbval --nbval-current-env $(PYTEST_ARGS)

## The lab in a real browser: JupyterLab on a free local port, Debian's Chromium, Playwright.
## Needs `apt-get install chromium` (never `playwright install`). Screenshots in build/ui/.
test-ui: $(UI_STAMP) $(LAB_SETTINGS)
	@test -x /usr/bin/chromium || { echo "make test-ui needs Debian's chromium: apt-get install chromium"; exit 1; }
	$(BIN)/python -m pytest tests_ui -v $(PYTEST_ARGS)

## The course as a static website: build/book/index.html, every notebook (both editions), the
## README and the glossary, from the stored outputs. Executes nothing, fetches nothing.
## Rebuilds only the pages whose source changed; BOOK_ARGS=--clean rebuilds all.
BOOK_ARGS ?=
book: $(BOOK_STAMP)
	$(BIN)/python book/build_book.py $(BOOK_ARGS)

## The website in Debian's Chromium: every page, light and dark, served on a free local port:
## no console error, no request leaving 127.0.0.1, images loaded, links resolve, math
## rendered, no serious axe-core violation. Screenshots in build/ui/book-*.png.
test-book: book $(UI_STAMP)
	@test -x /usr/bin/chromium || { echo "make test-book needs Debian's chromium: apt-get install chromium"; exit 1; }
	$(BIN)/python -m pytest tests_book -v $(PYTEST_ARGS)

## Every figure of the notebooks as a PNG in build/book_figures/, to write its alt text
## (book/alt_text.yml).
book-figures: $(BOOK_STAMP)
	$(BIN)/python book/build_book.py --figures build/book_figures

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile notebooks --nbval --nbval-current-env $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

## Re-execute the notebooks in fresh kernels and store them clean (for authors), then write
## the learner edition from them.
notebooks: $(STAMP)
	$(BIN)/python scripts/run_notebooks.py notebooks/[0-9]*.ipynb
	$(BIN)/python scripts/make_exercises.py
	$(BIN)/python scripts/make_chinese.py

## The learner edition: exercises/NN_*.ipynb, solutions replaced by stubs (for authors).
exercises: $(STAMP)
	$(BIN)/python scripts/make_exercises.py
	$(BIN)/python scripts/make_chinese.py

## The Chinese edition (中文版): notebooks/zh and exercises/zh from the English notebooks and the
## translation files notebooks/zh/NN_*.yml. `scripts/make_chinese.py --todo NN` lists the
## cells of notebook NN whose translation is missing or stale.
chinese: $(STAMP)
	$(BIN)/python scripts/make_chinese.py

## Every learner notebook, run top to bottom as a learner who wrote nothing yet: no error,
## and every check says "not written yet". CI runs it after `make test`.
test-exercises: $(STAMP)
	$(BIN)/python -m pytest -n 2 tests_exercises $(PYTEST_ARGS)

## How long each notebook's core path takes a learner, against its budget (words, visible code
## lines, figures, exercises; scripts/course_stats.py says how it counts).
stats: $(STAMP)
	$(BIN)/python scripts/course_stats.py

## Full-size benchmarks (minutes; each prints its figure on its last line).
bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis benchmarks/results build
