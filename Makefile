# remit — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# One process (waitress, threads) counts rate limits in one store; WORKERS=4 (gunicorn) needs
# REMIT_RATE_LIMIT_STORAGE=redis://…
WORKERS ?= 1
FLASK   = $(BIN)/flask --app wsgi

.PHONY: run test install install-test bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files make a second `make run` skip the install when pyproject.toml has not changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

# Translations: the .po catalogues are the source; the build compiles them.
MO_FILES = $(patsubst %.po,%.mo,$(wildcard remit/translations/*/LC_MESSAGES/messages.po))

remit/translations/%/LC_MESSAGES/messages.mo: remit/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ -l $*

install: $(VENV)/.installed $(MO_FILES)
install-test: $(VENV)/.installed-test $(MO_FILES)

# After changing a template or a message in the code: refresh the catalogues, then translate.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k msg:2 -k msgn:2,3 -o remit/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i remit/translations/messages.pot -d remit/translations

run: install
	$(FLASK) remit init-db
	$(FLASK) remit seed --if-empty
	@# One process: waitress reads whole requests before a thread takes them, so slow clients hold no
	@# thread (remit/server.py). Several: gunicorn, behind a buffering proxy (README).
	if [ "$(WORKERS)" = 1 ]; then \
	  $(FLASK) remit serve --host $(HOST) --port $(PORT); \
	else \
	  $(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app; \
	fi

test: install-test
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
