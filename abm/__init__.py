"""ruimte: an agent-based regional development model of the Netherlands.

The model core: :class:`abm.model.RegionModel`, the yearly schedule, the scenario schema
(:mod:`abm.scenario`), the policy framework (:mod:`abm.policy`), indicators, outputs and the
command line. Imported lazily so that ``abm.errors`` stays cheap for the other packages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["RegionModel", "__version__", "load_scenario"]

if TYPE_CHECKING:
    from abm.model import RegionModel
    from abm.scenario import load_scenario


def __getattr__(name: str) -> Any:
    if name == "RegionModel":
        from abm.model import RegionModel

        return RegionModel
    if name == "load_scenario":
        from abm.scenario import load_scenario

        return load_scenario
    raise AttributeError(f"module 'abm' has no attribute {name!r}")
