"""Implementations of catalogue instruments, one module per policy family.

Importing this package registers every implementation in :mod:`abm.policy.registry`.
"""

from abm.policy.instruments import stikstof, water_bodem  # noqa: F401
