"""Nitrogen: NH3 emission of farms, deposition on every cell, and critical deposition values.

Emission
    Each livestock class excretes nitrogen at a per-head rate derived from CBS: the national N
    excretion of each sector in 2020 (CBS, Dierlijke mest en mineralen 2020) divided by the
    census head count of 2020 (CBS 80780ned). A single volatilisation factor turns excreted N
    into NH3 and is calibrated so that the 2021 herd emits the published agricultural total of
    107.9 kt NH3 (Emissieregistratie via Agrimatie/WUR). A farm's ``emission_factor`` multiplies
    its emission (technology, grazing, low-emission housing).
Deposition
    Emission on a cell is spread by a distance-decay kernel of two exponential components, a
    local and a regional one (:data:`KERNEL`); the regional one is convolved on a coarser grid
    (about 2 km). Convolution uses FFTs with the kernel's spectrum computed once per grid
    (:class:`DepositionKernel`). Other sectors and abroad add a uniform background, calibrated in
    the base year so that agriculture gives :data:`AGRI_SHARE_N2000` of the deposition on
    nitrogen-sensitive Natura 2000.
Critical deposition (KDW)
    No open file gives the habitat map; each nitrogen-sensitive Natura 2000 cell gets a default
    KDW by its soil-landscape (:data:`KDW_DEFAULT_BY_FGR`), a proxy for its habitat types.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import fft

from environment.grid import Grid

#: National N excretion in animal manure, 2020, million kg N (CBS, Dierlijke mest en
#: mineralen 2020): cattle, pigs, poultry, other livestock.
CBS_N_EXCRETION_2020_MKG = {"cattle": 320.1, "pigs": 91.8, "poultry": 54.7, "other": 22.8}
#: Head counts 2020 (CBS 80780ned): dairy cows, other cattle, pigs, chickens, sheep + goats.
CBS_HEAD_2020 = {"dairy_cows": 1_593_071, "other_cattle": 3_837_994 - 1_593_071,
                 "pigs": 11_950_238, "chickens": 101_863_117, "sheep_goats": 890_471 + 632_616}
#: ASSUMPTION: a dairy cow excretes this many times the N of another head of cattle (young stock,
#: beef); explore 2-3.5.
DAIRY_COW_N_RATIO = 2.5
#: ASSUMPTION: share of 'other livestock' N that sheep and goats excrete (the rest: horses,
#: rabbits, fur animals); explore 0.3-0.7.
SHEEP_GOAT_SHARE_OF_OTHER = 0.5

_cattle_unit = CBS_N_EXCRETION_2020_MKG["cattle"] * 1e6 / (
    DAIRY_COW_N_RATIO * CBS_HEAD_2020["dairy_cows"] + CBS_HEAD_2020["other_cattle"])
#: kg N excreted per head per year, in the order of agents.farmers.state.LIVESTOCK.
N_EXCRETION_KG_HEAD = np.array([
    DAIRY_COW_N_RATIO * _cattle_unit,                                   # dairy_cows
    _cattle_unit,                                                       # other_cattle
    CBS_N_EXCRETION_2020_MKG["pigs"] * 1e6 / CBS_HEAD_2020["pigs"],     # pigs
    CBS_N_EXCRETION_2020_MKG["poultry"] * 1e6 / CBS_HEAD_2020["chickens"],  # chickens
    SHEEP_GOAT_SHARE_OF_OTHER * CBS_N_EXCRETION_2020_MKG["other"] * 1e6
    / CBS_HEAD_2020["sheep_goats"],                                     # sheep
    SHEEP_GOAT_SHARE_OF_OTHER * CBS_N_EXCRETION_2020_MKG["other"] * 1e6
    / CBS_HEAD_2020["sheep_goats"],                                     # goats
])
#: Head counts 2021 (CBS 80780ned) and the published agricultural NH3 emission of 2021
#: (107.9 kt, Emissieregistratie via Agrimatie/WUR, 14-12-2023), which calibrate the
#: volatilisation factor.
CBS_HEAD_2021 = np.array([1_571_341, 3_820_578 - 1_571_341, 11_456_831, 99_887_461, 860_151,
                          643_364])
NH3_AGRICULTURE_2021_KT = 107.9
NH3_PER_N = 17.031 / 14.007
#: Fraction of excreted N emitted as NH3 (housing, storage, grazing, application), calibrated.
VOLATILISATION = NH3_AGRICULTURE_2021_KT * 1e6 / (
    NH3_PER_N * float(N_EXCRETION_KG_HEAD @ CBS_HEAD_2021))
MOL_N_PER_KG_NH3 = 1000.0 / 17.031

#: Agriculture's share of N deposition on nitrogen-sensitive Natura 2000 (46%, CBS/PBL/RIVM/WUR
#: 2023 via Agrimatie); calibrates the background.
AGRI_SHARE_N2000 = 0.46


@dataclass(frozen=True)
class KernelComponent:
    """A share of emitted N deposited with exponential decay of length ``length_m``."""

    share: float
    length_m: float


#: ASSUMPTION: a fifth of emitted NH3 deposits near the source (length 1.5 km), two fifths
#: regionally (length 40 km) and the rest leaves the country or the grid. Explore local share
#: 0.1-0.3, local length 0.5-3 km, regional share 0.3-0.5, regional length 20-80 km.
KERNEL: tuple[KernelComponent, ...] = (KernelComponent(0.2, 1_500.0),
                                       KernelComponent(0.4, 40_000.0))
#: Kernels are cut at this many decay lengths.
KERNEL_CUTOFF_LENGTHS = 5.0
#: The regional component is convolved on cells of about this size.
COARSE_CELL_M = 2_000.0

#: ASSUMPTION: default critical deposition value (mol N/ha/yr) of nitrogen-sensitive Natura
#: 2000 by soil-landscape, a proxy for its habitats (heath, fens and bogs on sand low; dunes
#: low; clay and river habitats higher). Explore +-30%; a user KDW file replaces them.
KDW_DEFAULT_BY_FGR = {"hz": 1_000.0, "du": 1_100.0, "lv": 1_300.0, "zk": 1_800.0,
                      "ri": 1_800.0, "hl": 1_300.0, "az": 2_000.0, "gg": 2_000.0, "nz": 2_000.0,
                      "ni": 1_400.0}


def farm_emission_kg(animals: np.ndarray, emission_factor: np.ndarray,
                     active: np.ndarray) -> np.ndarray:
    """NH3 emission per farm (kg NH3/yr) from head of livestock (farms x LIVESTOCK)."""
    n_excreted = animals @ N_EXCRETION_KG_HEAD
    return n_excreted * VOLATILISATION * NH3_PER_N * emission_factor * active


def _component_kernel(grid_cell_m: float, comp: KernelComponent) -> np.ndarray:
    """Deposited share per cell around a unit source, summing to ``comp.share`` (within cutoff)."""
    radius = max(1, int(np.ceil(KERNEL_CUTOFF_LENGTHS * comp.length_m / grid_cell_m)))
    offsets = np.arange(-radius, radius + 1) * grid_cell_m
    dx, dy = np.meshgrid(offsets, offsets)
    dist = np.hypot(dx, dy)
    # Exact mass of the 2-D exponential inside each cell is approximated at the cell centre;
    # the centre cell gets the mass within a disc of equal area.
    density = np.exp(-dist / comp.length_m) / (2 * np.pi * comp.length_m ** 2)
    weights = density * grid_cell_m ** 2
    r0 = grid_cell_m / np.sqrt(np.pi)
    weights[radius, radius] = 1 - (1 + r0 / comp.length_m) * np.exp(-r0 / comp.length_m)
    total_inside = 1 - (1 + KERNEL_CUTOFF_LENGTHS) * np.exp(-KERNEL_CUTOFF_LENGTHS)
    return comp.share * weights * (total_inside / weights.sum())


class _FFTConvolver:
    """Same-size 2-D convolution with a fixed kernel whose spectrum is computed once."""

    def __init__(self, shape: tuple[int, int], kernel: np.ndarray) -> None:
        self.shape = shape
        self.pad = (kernel.shape[0] // 2, kernel.shape[1] // 2)
        self.full = tuple(fft.next_fast_len(s + k - 1, real=True)
                          for s, k in zip(shape, kernel.shape, strict=True))
        self.spectrum = fft.rfft2(kernel, s=self.full)

    def __call__(self, values: np.ndarray) -> np.ndarray:
        out = fft.irfft2(fft.rfft2(values, s=self.full) * self.spectrum, s=self.full)
        r, c = self.pad
        return out[r:r + self.shape[0], c:c + self.shape[1]]


class DepositionKernel:
    """Deposition (mol N/ha/yr) on a grid from NH3 emission per cell (kg NH3/yr).

    Parameters
    ----------
    grid : Grid
        The run's grid.
    components : tuple of KernelComponent
        The kernel (default :data:`KERNEL`). Components longer than :data:`COARSE_CELL_M` are
        convolved on a coarser grid of whole blocks of cells.

    Examples
    --------
    >>> k = DepositionKernel(Grid.national(1000).window(0, 50, 0, 50))
    >>> emission = np.zeros((50, 50)); emission[25, 25] = 1000.0
    >>> dep = k.deposition_mol_ha_yr(emission)
    >>> bool(dep[25, 25] > dep[25, 30] > dep[25, 40] > 0)
    True
    """

    def __init__(self, grid: Grid, components: tuple[KernelComponent, ...] = KERNEL) -> None:
        self.grid = grid
        self.parts: list[tuple[int, _FFTConvolver]] = []
        for comp in components:
            block = max(1, int(round(COARSE_CELL_M / grid.cell_size_m))) if (
                comp.length_m > 4 * COARSE_CELL_M) else 1
            shape = (-(-grid.n_rows // block), -(-grid.n_cols // block))
            kernel = _component_kernel(grid.cell_size_m * block, comp)
            self.parts.append((block, _FFTConvolver(shape, kernel)))

    def deposited_kg(self, emission_kg: np.ndarray) -> np.ndarray:
        """NH3 (kg/yr) deposited on each cell."""
        rows, cols = self.grid.shape
        out = np.zeros((rows, cols))
        for block, conv in self.parts:
            if block == 1:
                out += conv(emission_kg)
                continue
            padded = np.zeros((conv.shape[0] * block, conv.shape[1] * block))
            padded[:rows, :cols] = emission_kg
            coarse = padded.reshape(conv.shape[0], block, conv.shape[1], block).sum(axis=(1, 3))
            spread = np.repeat(np.repeat(conv(coarse), block, 0), block, 1) / block ** 2
            out += spread[:rows, :cols]
        return np.maximum(out, 0.0)

    def deposition_mol_ha_yr(self, emission_kg: np.ndarray) -> np.ndarray:
        """N deposition from agriculture (mol N/ha/yr) on each cell."""
        return self.deposited_kg(emission_kg) * MOL_N_PER_KG_NH3 / self.grid.cell_area_ha


def emission_grid_kg(farm_kg: np.ndarray, farmstead_cell: np.ndarray,
                     shape: tuple[int, int]) -> np.ndarray:
    """Farm emission summed on the farmstead cells (kg NH3/yr per cell)."""
    on_map = farmstead_cell >= 0
    flat = np.bincount(farmstead_cell[on_map], weights=farm_kg[on_map],
                       minlength=shape[0] * shape[1])
    return flat.reshape(shape)


def background_mol_ha_yr(agri_deposition: np.ndarray, sensitive: np.ndarray) -> float:
    """Uniform background so that agriculture's share on ``sensitive`` cells is
    :data:`AGRI_SHARE_N2000`."""
    if not sensitive.any():
        return 0.0
    agri = float(agri_deposition[sensitive].mean())
    return agri * (1.0 - AGRI_SHARE_N2000) / AGRI_SHARE_N2000


def read_kdw_file(path: str, table: list[dict]) -> dict[int, float]:
    """KDW per Natura 2000 area id from a user CSV (columns natura2000, kdw_mol_ha_yr).

    Areas are named by slug or name (as in the bundle's ``natura2000`` table). Any problem is an
    :class:`~abm.errors.InputError` naming the file, the column and the allowed values.
    """
    import pandas as pd

    from abm.errors import InputError

    try:
        frame = pd.read_csv(path)
    except Exception as exc:
        raise InputError(path, "kdw_file", f"cannot be read as CSV ({exc})",
                         allowed="a CSV file with columns natura2000, kdw_mol_ha_yr") from None
    for column in ("natura2000", "kdw_mol_ha_yr"):
        if column not in frame.columns:
            raise InputError(path, column, "a column is missing",
                             allowed="columns natura2000, kdw_mol_ha_yr")
    ids = {row["code"]: i for i, row in enumerate(table, start=1)}
    ids.update({row["name"].lower(): i for i, row in enumerate(table, start=1)})
    out = {}
    for k, (area, value) in enumerate(zip(frame.natura2000, frame.kdw_mol_ha_yr, strict=True)):
        key = str(area).strip()
        area_id = ids.get(key, ids.get(key.lower()))
        if area_id is None:
            raise InputError(path, f"natura2000 (row {k + 1})", f"unknown area {key!r}",
                             allowed="a slug or name of the bundle's Natura 2000 table "
                             "('ruimte data info' lists the layers; see docs/nitrogen.md)")
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if not 0 < number < 10_000:
            raise InputError(path, f"kdw_mol_ha_yr (row {k + 1})", f"{value!r} is not a KDW",
                             allowed="a number of mol N/ha/yr between 0 and 10,000")
        if area_id in out:
            raise InputError(path, f"natura2000 (row {k + 1})", f"area {key!r} is given twice",
                             allowed="one row per Natura 2000 area")
        out[area_id] = number
    return out


def default_kdw_mol_ha_yr(fgr_id: np.ndarray, fgr_codes: list[str],
                          sensitive: np.ndarray) -> np.ndarray:
    """Default KDW per cell (mol N/ha/yr); NaN off nitrogen-sensitive Natura 2000."""
    lut = np.full(len(fgr_codes) + 1, KDW_DEFAULT_BY_FGR["ni"])
    for i, code in enumerate(fgr_codes, start=1):
        lut[i] = KDW_DEFAULT_BY_FGR.get(code, KDW_DEFAULT_BY_FGR["ni"])
    return np.where(sensitive, lut[fgr_id], np.nan)
