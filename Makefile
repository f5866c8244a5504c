# techfriends: `make demo` runs everything locally, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv/.installed
VENV_BOT := .venv-bot/.installed
PY := .venv/bin/python
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false

help:
	@echo "make demo   - build what is missing and run every process locally with the Messenger simulator"
	@echo "make test   - build what is missing and run linters, type checks, rasa data validate and pytest"
	@echo "make test-faults - kills, outages and restarts on real processes (about 7 minutes)"
	@echo "make run    - the services only, configured from the environment (deployments)"
	@echo "make prod-like - the production topology on this machine: PostgreSQL, Redis, 2 of each server, proxy"
	@echo "make model  - (re)train the Rasa model if data/, domain.yml or config.yml changed"

$(VENV): requirements.lock pyproject.toml tools/bootstrap_venv.sh
	tools/bootstrap_venv.sh

$(VENV_BOT): bot/requirements.lock tools/bootstrap_bot_venv.sh
	tools/bootstrap_bot_venv.sh

venvs: $(VENV) $(VENV_BOT)

# Browser tests need Debian's chromium; installed from Debian's packages when missing. The
# website chat's tests also check accessibility with axe-core (npm, pinned) in var/axe.
browser:
	tools/install_chromium.sh
	tools/install_axe.sh >/dev/null

model: $(VENV_BOT)
	tools/train_model.sh

lint: $(VENV)
	$(PY) -m ruff check --output-format concise .
	$(PY) -m ruff format --check .

# Two runs: the backend's packages against .venv, the bot's (actions/, bot/, the NLU report
# and its latency benchmark)
# against .venv-bot, where Rasa, rasa-sdk and spaCy live. They ship no type hints marker, so
# mypy reads their sources (--follow-untyped-imports).
typecheck: $(VENV) $(VENV_BOT)
	$(PY) -m mypy
	$(PY) -m mypy --python-executable .venv-bot/bin/python --follow-untyped-imports \
		-p actions -p bot -m tools.nlu_report -m tools.nlu_languages \
		-m tools.category_accuracy -m benchmarks.nlu_latency

validate: $(VENV_BOT)
	.venv-bot/bin/python -m rasa data validate --fail-on-warnings --domain domain.yml --data data --config config.yml

# Dialogue regression: the test stories must be predicted exactly by the trained model.
test-stories: model
	TF_CPP_MIN_LOG_LEVEL=2 .venv-bot/bin/python -m rasa test core --stories tests/test_stories.yml \
		--model models/techfriends.tar.gz --fail-on-prediction-errors --out var/rasa-test-results

test: venvs browser lint typecheck validate model test-stories
	$(PY) -m pytest

# Kills, outages and restarts on real processes (tests/faults); a few minutes, not in `make test`.
test-faults: venvs browser model
	$(PY) -m pytest -m faults tests/faults

demo: venvs model
	$(PY) -m tools.run demo

run: venvs model
	$(PY) -m tools.run run

# The production topology on one machine (README "Production topology"): PostgreSQL, Redis,
# two Rasa servers, two action servers and two backends behind tools/proxy.py.
prod-like: venvs model
	$(PY) -m tools.run prod-like

clean:
	rm -rf var models .pytest_cache .mypy_cache .ruff_cache

.PHONY: help venvs browser model lint typecheck validate test-stories test test-faults demo run prod-like clean
