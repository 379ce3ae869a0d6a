# Upsell: `make demo` to try it, `make test` to check everything, `make bench` to measure.
# Each target sets up what it needs on a fresh machine (virtual environment, packages, browser,
# office).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UPSELL := $(BIN)/upsell
PORT ?= 8000
DATA_DIR ?= var
DEMO_DIR := $(DATA_DIR)/demo
DEMO_FILES := staff.csv products.xlsx clients.csv shipments.csv payments.csv contacts.csv
# The open customer orders come in after the audit, as a company's new orders do: a client's
# status decides who takes its request.
DEMO_ORDERS := orders.csv
# The sales programs are top management's, loaded once the staff is in; who is in each comes in
# after the audit, which gives the clients the statuses a program admits.
DEMO_PROGRAMS := programs.json
DEMO_MEMBERSHIPS := memberships.csv
# Building the demo hands thousands of clients and requests to the staff, and each person is
# told by e-mail too: while it is built, those mails go nowhere.
DEMO_BUILD := MAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend $(UPSELL)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/upsell
PYTEST_WORKERS ?= 2
# The days that stress the calendar, on which the tests that depend on today run again: a
# year's last and first day, the day before the forecast lock day and the lock day itself, a
# lock day on a Saturday that locks the next year's January, the last day of a leap February.
CALENDAR_DAYS ?= 2026-12-31 2027-01-01 2027-03-24 2027-03-25 2027-12-25 2028-02-29

.PHONY: install demo test lint typecheck importlint migrations-check \
	test-sqlite test-postgres test-spark test-calendar browser office jdbc bench messages clean

install: $(VENV)/.installed

# Everything is byte-compiled once here, so that no command compiles its imports each time it
# starts where the environment asks Python not to write them (PYTHONDONTWRITEBYTECODE).
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib upsell
	touch $@

demo: install
	$(UPSELL) migrate --no-input -v 0
	test -f $(DEMO_DIR)/$(DEMO_MEMBERSHIPS) || $(UPSELL) demodata --out $(DEMO_DIR)
	$(DEMO_BUILD) import -v 0 $(addprefix $(DEMO_DIR)/,$(DEMO_FILES))
	$(DEMO_BUILD) programs_load $(DEMO_DIR)/$(DEMO_PROGRAMS)
	$(DEMO_BUILD) audit
	$(DEMO_BUILD) import -v 0 $(DEMO_DIR)/$(DEMO_MEMBERSHIPS)
	$(DEMO_BUILD) import $(DEMO_DIR)/$(DEMO_ORDERS)
	$(DEMO_BUILD) forecast_backfill --months 6
	$(DEMO_BUILD) forecast
	$(DEMO_BUILD) offers_compute
	$(DEMO_BUILD) programs_measure
	$(DEMO_BUILD) closing_load --truth $(DEMO_DIR)/closing_truth.json
	$(DEMO_BUILD) coaching_measure
	$(UPSELL) nightly --schedule
	$(UPSELL) collectstatic --no-input -v 0
	@echo
	@echo "Upsell is at http://127.0.0.1:$(PORT)/ — log in as:"
	@$(UPSELL) demo_logins
	@echo "(the task worker runs beside the web server and does the nightly work; Ctrl-C stops both)"
	@echo
	$(UPSELL) db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(UPSELL) runserver 127.0.0.1:$(PORT) --noreload

# A browser for the end-to-end tests: Debian's Chromium (nothing is downloaded by the tests).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# LibreOffice Calc for the forecast workbook's round trip: Debian's, driven by Debian's own
# Python through its UNO bridge (python3-uno is not for the project's virtual environment).
office:
	@{ test -x /usr/bin/soffice && /usr/bin/python3 -c "import uno" 2>/dev/null; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui python3-uno >/dev/null; }

# PostgreSQL's JDBC driver for Spark, which reads the order history from PostgreSQL and writes
# the audit back there: Debian's, loaded from /usr/share/java (nothing is downloaded at run time).
jdbc:
	@test -f /usr/share/java/postgresql.jar || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpostgresql-jdbc-java >/dev/null; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy upsell benchmarks conftest.py

importlint: install
	$(BIN)/lint-imports

migrations-check: install
	$(UPSELL) makemigrations --check --dry-run

test-sqlite: install browser office
	env -u DATABASE_URL $(BIN)/pytest -m "not spark" -n $(PYTEST_WORKERS) -p no:cacheprovider

test-postgres: install browser office
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "not spark" -n $(PYTEST_WORKERS) -p no:cacheprovider --create-db

# The Spark tests on SQLite (tables handed over as Parquet files), then those that need Spark
# to reach PostgreSQL over JDBC.
test-spark: install jdbc
	env -u DATABASE_URL $(BIN)/pytest -m "spark and not postgres" -p no:cacheprovider
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "spark and postgres" -p no:cacheprovider --create-db

# Every test that asks for the frozen `today` (conftest.py), once per day of CALENDAR_DAYS.
test-calendar: install browser office
	@for day in $(CALENDAR_DAYS); do \
		echo "Tests that depend on the calendar, on $$day:"; \
		UPSELL_TEST_TODAY=$$day env -u DATABASE_URL $(BIN)/pytest -m "calendar and not spark" \
			-n $(PYTEST_WORKERS) -p no:cacheprovider -q || exit 1; \
	done

test: lint typecheck importlint migrations-check test-sqlite test-postgres test-spark test-calendar

bench: install
	$(BIN)/python -m benchmarks

messages: install
	cd upsell && ../$(UPSELL) makemessages -l ru --no-obsolete && ../$(UPSELL) compilemessages

clean:
	rm -rf $(VENV) $(DATA_DIR)
