"""Greenhouse gases of agriculture per farm: CH4 of the animals and N2O of manure and fertiliser.

Per farm per year, in t CO2-eq (GWP100 of IPCC AR5 as the Dutch National Inventory Report 2024
uses them: CH4 :data:`GWP_CH4` = 28, N2O :data:`GWP_N2O` = 265), from the head of livestock by
``agents.farmers.state.LIVESTOCK`` (as :mod:`environment.nitrogen` computes NH3):

CH4, enteric fermentation
    Head x the IPCC 2006 Tier 1 default (:data:`ENTERIC_CH4_KG_HEAD`; IPCC 2006 Guidelines,
    Vol. 4, Ch. 10, Tables 10.10 and 10.11, Western Europe; https://www.ipcc-nggip.iges.or.jp/
    public/2006gl/pdf/4_Volume4/V4_10_Ch10_Livestock.pdf), x the calibration
    :data:`CH4_CALIBRATION`.
CH4, manure management
    Head x :data:`MANURE_CH4_KG_HEAD` (ASSUMPTION of the order of the IPCC 2006 Tier 1 defaults
    for a cool climate, Tables 10.14-10.16, same document), x the same calibration.
N2O of manure (storage, application, grazing, indirect)
    Excreted N (:data:`environment.nitrogen.N_EXCRETION_KG_HEAD`, from CBS) x the effective
    factor :data:`MANURE_N2O_KG_PER_KG_N`, calibrated to the published livestock N2O (below); the
    IPCC 2006 chain (manure management 0.002-0.005, soils EF1 0.01, indirect 0.2 x 0.01 +
    0.3 x 0.0075 kg N2O-N per kg N) gives 0.016-0.019 kg N2O-N per kg N; the calibrated value,
    0.0157, is at its low end (a check in ``tests/environment/test_livestock_ghg.py``).
N2O of synthetic fertiliser on open land
    Open land (arable, open-field horticulture, grassland; ha) x :data:`FERTILISER_N_KG_HA`
    (ASSUMPTION) x EF1 0.01 kg N2O-N per kg N (IPCC 2006 Vol. 4 Ch. 11 Table 11.1).

Calibration. Klimaathelpdesk (answer 'Wat is de bijdrage van (Nederlandse) veeteelt op de totale
uitstoot van broeikasgassen?', https://www.klimaathelpdesk.org/answers/wat-is-de-bijdrage-van-
nederlandse-veeteelt-op-de-totale-uitstoot-van-broeikasgassen/, from the Emissieregistratie):
in 2018 livestock emitted 13 Mt CO2-eq of CH4 (75% of the Dutch CH4) and 3.6 Mt CO2-eq of N2O
(45% of the Dutch N2O), at GWP 28 and 298; agriculture as a whole 26.5 Mt CO2-eq including the
CO2 of glasshouse energy. The CBS census herd of 2018 (80780ned, :data:`CBS_HEAD_2018`) with
the Tier 1 factors gives within 3% of that CH4: one multiplier on CH4 (:data:`CH4_CALIBRATION`,
0.98) closes the gap, and one effective factor on excreted N does so for N2O. The 2023 herd
(dairy cows -3%, pigs -13% against 2018) then emits 12.4 Mt CO2-eq of CH4, 3.0 Mt of manure
N2O (GWP 265) and 0.8 Mt of fertiliser N2O, 16.3 Mt in all. Published agricultural non-CO2
totals of recent years are of the order of 17-18 Mt CO2-eq (not checked against the NIR 2024
tables here); the rest is mainly N2O of crop residues and mineralised soils and the CH4 of
horses and other animals outside the census classes. Not covered: CO2 of glasshouse and
farm energy, of liming and urea, and of peat (``environment.peat``; indicator ``peat_co2_mt``).

Farms that stop (``active`` False) or shrink their herd (extensification, buy-outs, rights
traded) emit less at once. An optional per-farm factor on enteric CH4 (a methane-reducing feed
measure, NPLG-AG-GHG-5MT) multiplies the enteric part only.
"""

from __future__ import annotations

import numpy as np

from environment.nitrogen import N_EXCRETION_KG_HEAD

#: GWP100 of IPCC AR5 as used in the Dutch NIR 2024 (t CO2-eq per t gas).
GWP_CH4 = 28.0
GWP_N2O = 265.0
#: GWP100 of IPCC AR4 for N2O, used by the calibration source (298).
GWP_N2O_AR4 = 298.0
N2O_PER_N2O_N = 44.0 / 28.0

#: IPCC 2006 Tier 1 enteric CH4 (kg CH4/head/yr) in the order of LIVESTOCK: dairy cows and other
#: cattle Western Europe (Table 10.11: 117, 57), pigs 1.5, poultry none (Table 10.10: not
#: estimated), sheep 8 and goats 5 (Table 10.10, developed countries).
ENTERIC_CH4_KG_HEAD = np.array([117.0, 57.0, 1.5, 0.0, 8.0, 5.0])
#: ASSUMPTION: manure-management CH4 (kg CH4/head/yr), of the order of the IPCC 2006 Tier 1
#: defaults for a cool climate (Tables 10.14-10.16: cattle, pigs, poultry, sheep, goats); the
#: calibration scales them with the enteric part. Explore +-50% (the split, not the total, moves).
MANURE_CH4_KG_HEAD = np.array([21.0, 6.0, 6.0, 0.03, 0.19, 0.13])

#: CBS 80780ned head counts 2018 (the calibration year; LIVESTOCK order).
CBS_HEAD_2018 = np.array([1_621_914, 3_919_204 - 1_621_914, 12_430_129, 105_104_423, 866_008,
                          587_856])
#: Published livestock CH4 and N2O of 2018 (Mt CO2-eq at GWP 28 and 298; Klimaathelpdesk from the
#: Emissieregistratie, see the module docstring).
LIVESTOCK_CH4_2018_MT = 13.0
LIVESTOCK_N2O_2018_MT_AR4 = 3.6

#: Multiplier on the Tier 1 CH4 factors so the 2018 herd emits the published CH4 (calibrated).
CH4_CALIBRATION = LIVESTOCK_CH4_2018_MT * 1e9 / GWP_CH4 / float(
    (ENTERIC_CH4_KG_HEAD + MANURE_CH4_KG_HEAD) @ CBS_HEAD_2018)
#: Effective kg N2O per kg N excreted (storage, application, grazing, indirect), calibrated.
MANURE_N2O_KG_PER_KG_N = LIVESTOCK_N2O_2018_MT_AR4 * 1e9 / GWP_N2O_AR4 / float(
    N_EXCRETION_KG_HEAD @ CBS_HEAD_2018)
#: ASSUMPTION: synthetic fertiliser N per hectare of open land (kg N/ha/yr); about 200 kt N on
#: 1.8 Mha in the late 2010s (CBS, Dierlijke mest en mineralen); explore 80-150.
FERTILISER_N_KG_HA = 110.0
#: IPCC 2006 EF1: kg N2O-N per kg N applied to soils (Vol. 4 Ch. 11, Table 11.1).
EF1_N2O_N_PER_N = 0.01


def enteric_ch4_t(animals: np.ndarray, active: np.ndarray,
                  factor: np.ndarray | None = None) -> np.ndarray:
    """Enteric CH4 per farm (t CH4/yr) from head of livestock (farms x LIVESTOCK).

    ``factor`` (per farm, 1 = none) multiplies it: a methane-reducing feed measure.
    """
    t = animals @ (ENTERIC_CH4_KG_HEAD * CH4_CALIBRATION) / 1000.0 * active
    return t if factor is None else t * factor


def manure_ch4_t(animals: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Manure-management CH4 per farm (t CH4/yr)."""
    return animals @ (MANURE_CH4_KG_HEAD * CH4_CALIBRATION) / 1000.0 * active


def livestock_ch4_t_co2eq(animals: np.ndarray, active: np.ndarray,
                          enteric_factor: np.ndarray | None = None) -> np.ndarray:
    """CH4 of the animals per farm, enteric and manure (t CO2-eq/yr)."""
    return (enteric_ch4_t(animals, active, enteric_factor)
            + manure_ch4_t(animals, active)) * GWP_CH4


def manure_n2o_t_co2eq(animals: np.ndarray, active: np.ndarray) -> np.ndarray:
    """N2O of the manure per farm, direct and indirect (t CO2-eq/yr)."""
    return animals @ N_EXCRETION_KG_HEAD * MANURE_N2O_KG_PER_KG_N / 1000.0 * GWP_N2O * active


def fertiliser_n2o_t_co2eq(open_area_ha: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Direct N2O of synthetic fertiliser on each farm's open land (t CO2-eq/yr)."""
    kg_n2o = open_area_ha * FERTILISER_N_KG_HA * EF1_N2O_N_PER_N * N2O_PER_N2O_N
    return kg_n2o / 1000.0 * GWP_N2O * active


def agri_ghg_t_co2eq(animals: np.ndarray, open_area_ha: np.ndarray, active: np.ndarray,
                     enteric_factor: np.ndarray | None = None) -> np.ndarray:
    """Per farm: livestock CH4 + manure N2O + fertiliser N2O (t CO2-eq/yr).

    Examples
    --------
    >>> cow = np.array([[1, 0, 0, 0, 0, 0]])
    >>> t = agri_ghg_t_co2eq(cow, np.zeros(1), np.ones(1, bool))
    >>> bool(4.0 < t[0] < 8.0)  # a Dutch dairy cow: about 5-6 t CO2-eq a year
    True
    """
    return (livestock_ch4_t_co2eq(animals, active, enteric_factor)
            + manure_n2o_t_co2eq(animals, active)
            + fertiliser_n2o_t_co2eq(open_area_ha, active))
