# Two promises (README): `make run` and `make test` work from a clean clone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BOOTSTRAP_VERSION := 5.3.8
DEJAVU_VERSION := 2.37.3
# A stamp per set of versions: changing one installs them all again (npm --no-save drops what a
# command does not name, so both packages are always installed together).
ASSETS := .assets/.bootstrap-$(BOOTSTRAP_VERSION)-dejavu-$(DEJAVU_VERSION)

# The first Python >= 3.12 on PATH (.python-version makes pyenv's python3 pick 3.13).
PYTHON ?= $(shell for p in python3 python3.13 python3.12; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: run test install install-dev assets messages lint format bench clean

$(VENV)/bin/uv:
	@test -n "$(PYTHON)" || { echo "peerwork needs Python >= 3.12 (pyenv install 3.13, or your system's python3.12)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.prod: requirements.lock | $(VENV)/bin/uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock
	@touch $@

$(VENV)/.dev: requirements-dev.lock | $(VENV)/bin/uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.lock
	@touch $@ $(VENV)/.prod

install: $(VENV)/.prod
install-dev: $(VENV)/.dev

# Third-party front-end files come from the npm registry at set-up; they are never committed.
$(ASSETS):
	@command -v npm >/dev/null || { echo "npm is needed to install Bootstrap and the PDF's font (apt-get install npm)." >&2; exit 1; }
	mkdir -p .assets
	npm install --prefix .assets --no-save --no-package-lock --no-audit --no-fund --silent \
		bootstrap@$(BOOTSTRAP_VERSION) dejavu-fonts-ttf@$(DEJAVU_VERSION)
	@touch $@

assets: $(ASSETS)

messages: $(VENV)/.prod
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=.assets -v 0

# The embedded set-up: DEBUG on, SQLite file, e-mails printed in the terminal.
run: export DEBUG = true
run: install assets messages
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py run_periodic
	$(PY) manage.py runserver 127.0.0.1:8000

test: install-dev assets messages
	bash scripts/test.sh

# Measurements, as ratios taken in one run (the machine is noisy): see bench/.
# bench_load.py: about 7 minutes (BENCH_SECONDS=10 for a quick look); see README, "Scaling".
# The PDF bench fails when its budget is exceeded; the load bench still runs and reports.
bench: install-dev assets messages
	status=0; $(PY) bench/bench_pdf.py || status=$$?; $(PY) bench/bench_load.py && exit $$status

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .assets staticfiles .coverage htmlcov
