"""Shared fixtures. Tests that read ../shared/data/nl skip cleanly when it is absent."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from environment.landscape import load_landscape

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data" / "nl"
SHARED_REFERENCE = REPO.parent / "shared" / "reference"


def pytest_configure(config):
    """Keep the whole session away from the user's cache and bundle overrides."""
    os.environ["RUIMTE_CACHE_DIR"] = tempfile.mkdtemp(prefix="ruimte-test-cache-")
    os.environ.pop("RUIMTE_BUNDLE_DIR", None)
    os.environ.pop("RUIMTE_DATA_SOURCE", None)


@pytest.fixture(scope="session")
def nl1000():
    return load_landscape(1000, build_missing=False)


@pytest.fixture(scope="session")
def nl250():
    return load_landscape(250, build_missing=False)


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "boundaries").is_dir():
        pytest.skip("../shared/data/nl is not beside this checkout")
    return SHARED_DATA


@pytest.fixture
def shared_reference() -> Path:
    if not (SHARED_REFERENCE / "instruments.csv").is_file():
        pytest.skip("../shared/reference is not beside this checkout")
    return SHARED_REFERENCE


@pytest.fixture
def make_payer():
    """A factory of payers: a real government with ``budget_meur`` of general money."""
    import mesa

    from agents.government import Government

    def make(budget_meur: float) -> Government:
        gov = Government(mesa.Model(), "PV26", "test payer")
        gov.receive(budget_meur, source="test")
        return gov

    return make
