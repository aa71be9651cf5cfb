"""The twelve provinces with their CBS codes, and how users may name them."""

from __future__ import annotations

import unicodedata

#: CBS province codes and names (CBS gebiedsindelingen 2022).
PROVINCES: dict[str, str] = {
    "PV20": "Groningen",
    "PV21": "Fryslân",
    "PV22": "Drenthe",
    "PV23": "Overijssel",
    "PV24": "Flevoland",
    "PV25": "Gelderland",
    "PV26": "Utrecht",
    "PV27": "Noord-Holland",
    "PV28": "Zuid-Holland",
    "PV29": "Zeeland",
    "PV30": "Noord-Brabant",
    "PV31": "Limburg",
}
_ALIASES: dict[str, str] = {"friesland": "PV21", "brabant": "PV30"}


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "-").replace("_", "-")


_LOOKUP: dict[str, str] = {
    **{_key(code): code for code in PROVINCES},
    **{_key(name): code for code, name in PROVINCES.items()},
    **_ALIASES,
}


def province_code(name_or_code: str) -> str | None:
    """The CBS code of a province given by code or name (any case, with or without accents).

    Examples
    --------
    >>> province_code("utrecht"), province_code("PV21"), province_code("Friesland")
    ('PV26', 'PV21', 'PV21')
    """
    return _LOOKUP.get(_key(str(name_or_code)))


def allowed_province_names() -> str:
    return ", ".join(f"{code} ({name})" for code, name in PROVINCES.items())
