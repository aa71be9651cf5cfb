# The two commands of the README: `make run` (the default scenario on the shipped Netherlands)
# and `make test`. Both create .venv with a Python >= 3.12 on first use.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv bundles clean

run: $(STAMP)
	$(VENV)/bin/ruimte run

test: $(STAMP)
	$(PY) -m pytest

venv: $(STAMP)

$(STAMP): setup.py
	@PY=$$(sh tools/find-python.sh) && echo "using $$PY" && "$$PY" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Rebuild the shipped 1000 m and 250 m bundles from ../shared/data/nl (maintainers).
bundles: $(STAMP)
	$(VENV)/bin/ruimte data build --resolution 1000 --out environment/bundles/nl_1000m
	$(VENV)/bin/ruimte data build --resolution 250 --out environment/bundles/nl_250m

clean:
	rm -rf $(VENV) build *.egg-info
