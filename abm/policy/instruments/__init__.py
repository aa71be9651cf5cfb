"""Implementations of catalogue instruments, one module per policy family.

Importing this package registers every implementation in :mod:`abm.policy.registry`.
"""

from abm.policy.instruments import landbouw_natuur, stikstof, water_bodem  # noqa: F401
