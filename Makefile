# AMO-kompetencer — the two commands of the README:
#   make run    creates .venv, installs, loads the sample data into an empty store and starts the dashboard
#   make test   creates .venv, installs the test dependencies and runs every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test install install-dev seed bench profile clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -r requirements.txt

install-dev: $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt

seed: install
	$(PY) -m amo_data seed-sample

run: seed
	$(PY) -m streamlit run server.py --server.port $(PORT) --browser.gatherUsageStats false

test: install-dev
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -n 2 --dist loadfile

# make bench BENCH_ARGS="--reps 5"; make profile PROFILE_ARGS="page pages/3_Handleplan.py"
BENCH_ARGS   ?=
PROFILE_ARGS ?= import

bench: install-dev
	$(PY) bench/run.py $(BENCH_ARGS)

profile: install-dev
	$(PY) bench/profile.py $(PROFILE_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
