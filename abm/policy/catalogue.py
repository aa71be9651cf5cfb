"""The instrument catalogue: every instrument of the five policy documents, by id.

``catalogue.csv`` beside this module is the project's copy of the columns the model needs from
the reference list ``../shared/reference/instruments.csv`` (ids, names, mechanism, owner level,
scope, parameters as stated, status and the seed lines each comes from); a test keeps them equal.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_CSV = Path(__file__).resolve().parent / "catalogue.csv"


@dataclass(frozen=True)
class CatalogueEntry:
    """One row of the catalogue. ``source`` cites seed lines as ``file:Lstart-Lend;...``."""

    id: str
    name_nl: str
    name_en: str
    family: str
    level: str
    agents_affected: str
    mechanism: str
    spatial_scope: str
    parameters: str
    start_year_or_event: str
    source: str
    priority: str


@cache
def catalogue() -> dict[str, CatalogueEntry]:
    """All catalogue entries by id, in file order."""
    with open(CATALOGUE_CSV, encoding="utf-8", newline="") as fh:
        return {row["id"]: CatalogueEntry(**row) for row in csv.DictReader(fh)}
