"""The scenario library: TOML files in ``experiments/scenarios/``, found by name."""

from __future__ import annotations

from pathlib import Path

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"


def scenario_names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def scenario_path(name_or_path: str | Path) -> Path | None:
    """The file of a library scenario name, or the path itself if it names a file; else None."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.parent != Path("."):
        return candidate if candidate.is_file() else None
    path = SCENARIO_DIR / f"{name_or_path}.toml"
    return path if path.is_file() else None
