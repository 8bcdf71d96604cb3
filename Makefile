# Set-up and everyday commands. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The demo's port: `PORT=8010 make demo` when 8000 is taken.
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test venv dev-venv migrate lint lock messages clean

# Installs the exact versions of the lock file (requirements/dev.txt); pyproject.toml keeps the ranges and
# `make lock` turns them into the lock files again after a dependency is added or raised.
$(VENV)/.installed: requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

venv: $(VENV)/.installed

demo: venv
	@if $(PY) -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $(PORT))) != 0)"; then \
	  echo "端口 $(PORT) 已被占用：请换一个端口，例如 PORT=$$(( $(PORT) + 1 )) make demo"; exit 1; fi
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py create_demo_staff --port $(PORT)
	@# The web server and, beside it, the background jobs' worker with the schedule; Ctrl-C stops both.
	DEBUG=1 $(PY) manage.py serve_demo 127.0.0.1:$(PORT)

# With DATABASE_URL set, the suite runs against that database.
test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

# The lock files: requirements/base.txt (production: `pip install -r requirements/base.txt`) and
# requirements/dev.txt (tests and tools), resolved by uv from pyproject.toml's ranges for Python 3.11.
lock: venv
	$(PY) -m pip install --quiet "uv>=0.5"
	$(VENV)/bin/uv pip compile pyproject.toml --quiet --python-version 3.11 --custom-compile-command "make lock" -o requirements/base.txt
	$(VENV)/bin/uv pip compile pyproject.toml --quiet --extra dev --python-version 3.11 --custom-compile-command "make lock" -o requirements/dev.txt

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Each app's catalogue (<app>/locale) holds its Python and template strings, edited by hand; locale/ holds
# config/'s. (A project-wide makemessages would move template strings out of the app catalogues.)
messages: venv
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
