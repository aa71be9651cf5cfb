"""Implementations of catalogue instruments, one module per policy family.

Importing this package registers every implementation in :mod:`abm.policy.registry`.
"""

from abm.policy.instruments import (  # noqa: F401
    bouwen,
    energie,
    glastuinbouw,
    kaders,
    klimaat,
    landbouw_natuur,
    nplg,
    regionaal,
    stad,
    stikstof,
    water_bodem,
    werklocaties,
    wonen,
)
