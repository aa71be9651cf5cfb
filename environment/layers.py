"""The catalogue of landscape layers: name, dtype, unit and definition of each.

This table is the single source of truth for what a landscape bundle holds. The builder must
write exactly these layers, the loader refuses a bundle whose layers differ (a stale bundle),
and ``docs/data.md`` describes the same list.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Increase when a layer is added, removed or redefined, or when a derivation rule of the builder
#: changes; bundles of another format count as stale and must be rebuilt.
BUNDLE_FORMAT = 2


@dataclass(frozen=True)
class LayerSpec:
    """What one layer is.

    Parameters
    ----------
    name : str
        Layer name; carries its unit where it has one (``_m``, ``_cm``, ``_m_nap``).
    dtype : str
        numpy dtype of the stored array.
    units : str
        Unit of a cell value (``"1"`` for flags, ``"id"`` for indices into a code table).
    description : str
        One-line definition.
    table : str or None
        For id layers: the code table (in the bundle manifest) the ids index, 1-based; 0 = none.
    """

    name: str
    dtype: str
    units: str
    description: str
    table: str | None = None


#: Land-use classes of the ``land_use`` layer (0 = outside the Netherlands).
LAND_USE_CLASSES: dict[int, str] = {1: "urban", 2: "agriculture", 3: "nature", 4: "water"}
URBAN, AGRICULTURE, NATURE, WATER = 1, 2, 3, 4

#: GHS degree of urbanisation, level 2 (JRC GHS-SMOD R2025A); 0 = no data.
URBANISATION_CLASSES: dict[int, str] = {
    10: "water",
    11: "very low density rural",
    12: "low density rural",
    13: "rural cluster",
    21: "suburban or peri-urban",
    22: "semi-dense urban cluster",
    23: "dense urban cluster",
    30: "urban centre",
}

LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec("land_mask", "bool", "1", "Land: inside a gemeente polygon and not water"),
    LayerSpec("province_id", "uint8", "id", "Province (CBS 2022)", table="province"),
    LayerSpec("corop_id", "uint8", "id", "COROP region (CBS 2022)", table="corop"),
    LayerSpec("gemeente_id", "uint16", "id", "Gemeente (CBS 2022, 345)", table="gemeente"),
    LayerSpec("fgr_id", "uint8", "id", "Fysisch-geografische regio (FGR 2013)", table="fgr"),
    LayerSpec("soil_id", "uint8", "id", "Soil proxy from the FGR class", table="soil"),
    LayerSpec("natura2000_id", "uint16", "id", "Natura 2000 area", table="natura2000"),
    LayerSpec(
        "natura2000_n_sensitive",
        "bool",
        "1",
        "Cell of a nitrogen-sensitive (stikstofgevoelig) Natura 2000 area",
    ),
    LayerSpec("elevation_m_nap", "float32", "m NAP", "Surface elevation (coarse AHN, Deltares)"),
    LayerSpec("large_water", "bool", "1", "Large KRW water body (IJsselmeer, Waddenzee, ...)"),
    LayerSpec(
        "urbanisation_class", "uint8", "class", "GHS degree of urbanisation level 2 (codes 10-30)"
    ),
    LayerSpec("inhabitants", "float32", "persons", "Inhabitants 1 Jan 2021, PC4 totals spread"),
    LayerSpec("households", "float32", "households", "Households 2021 (PC4 inhabitants / size)"),
    LayerSpec(
        "dwellings",
        "float32",
        "dwellings",
        "Homes 1 Jan 2021: PC4 stock 1 Jan 2019 scaled to the CBS national stock, spread",
    ),
    LayerSpec(
        "adults_share_15_44",
        "float32",
        "1",
        "Share of inhabitants aged 15+ who are 15-44 (PC4, 1 Jan 2021)",
    ),
    LayerSpec(
        "adults_share_45_64",
        "float32",
        "1",
        "Share of inhabitants aged 15+ who are 45-64 (PC4, 1 Jan 2021)",
    ),
    LayerSpec(
        "adults_share_65plus",
        "float32",
        "1",
        "Share of inhabitants aged 15+ who are 65 or older (PC4, 1 Jan 2021)",
    ),
    LayerSpec(
        "income_low_share",
        "float32",
        "1",
        "Share of households in the national lowest 40% of standardised disposable income "
        "(CBS PC4 2017)",
    ),
    LayerSpec(
        "income_high_share",
        "float32",
        "1",
        "Share of households in the national highest 20% of standardised disposable income "
        "(CBS PC4 2017)",
    ),
    LayerSpec("dist_station_m", "float32", "m", "Straight-line distance to the nearest station"),
    LayerSpec(
        "dist_urban_centre_m", "float32", "m", "Straight-line distance to the nearest urban centre"
    ),
    LayerSpec("land_use", "uint8", "class", "Initial land use: 1 urban 2 agri 3 nature 4 water"),
    LayerSpec("deep_polder", "bool", "1", "Deep polder (Water en bodem sturend keuze 13)"),
    LayerSpec(
        "groundwater_depth_cm", "float32", "cm", "Initial mean groundwater depth below surface"
    ),
)

LAYER_BY_NAME: dict[str, LayerSpec] = {spec.name: spec for spec in LAYERS}
