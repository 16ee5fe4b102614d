# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_SERVER := 127.0.0.1:8000

.PHONY: run test install migrate seed lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input

seed: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py loaddata december_2025

run: seed
	@echo
	@echo "The tracker is at http://$(DEV_SERVER)/ (the admin at http://$(DEV_SERVER)/admin/)."
	@echo "To make an admin account, run in another terminal:"
	@echo "    DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser"
	@echo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(DEV_SERVER)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
