"""The population of a province on 1 January of a start year: CBS where known, the trend after,
and CBS's national population for a hindcast's start."""

import pytest

from environment import population as pop

CODES = list(pop.CBS_POPULATION)


def total(year: int) -> float:
    return sum(pop.population_on_1_january(code, year) for code in CODES)


@pytest.mark.parametrize("year", [2010, 2020, 2022, 2024])
def test_the_cbs_years_are_exact(year):
    assert pop.national_on_1_january(year) == pytest.approx(pop.CBS_NL[year], rel=1e-12)
    if year <= 2022:
        assert total(year) == pytest.approx(pop.CBS_NL[year], rel=1e-12)


def test_provinces_are_cbs_in_2022_and_2024_and_in_between_in_2023():
    for code, (first, last) in pop.CBS_POPULATION.items():
        assert pop.population_on_1_january(code, 2022) == pytest.approx(first, rel=1e-12)
        assert pop.population_on_1_january(code, 2024) == pytest.approx(last, rel=1e-12)
        assert min(first, last) < pop.population_on_1_january(code, 2023) < max(first, last)


def test_a_hindcast_starts_from_the_cbs_population_of_its_year():
    # CBS 37296ned, 1 January 2011: 16,655,799; the constant rate from 2024 gave 16.84 million
    assert total(2011) == pytest.approx(16_655_799, rel=0.001)
    # before 2022 each province follows its own (positive) trend back
    for code in CODES:
        assert pop.population_on_1_january(code, 2011) < pop.population_on_1_january(code, 2022)


def test_after_2024_each_province_grows_at_its_constant_rate():
    for code in CODES:
        ratio = (pop.population_on_1_january(code, 2031)
                 / pop.population_on_1_january(code, 2030))
        assert ratio == pytest.approx(1 + pop.growth_rate_per_yr(code), rel=1e-12)
    assert pop.national_on_1_january(2030) == pytest.approx(
        pop.CBS_NL[2024] * (1 + pop.NATIONAL_RATE_PER_YR) ** 6, rel=1e-12)


def test_a_start_before_2024_has_larger_households():
    assert pop.household_size_factor(2024) == 1.0 and pop.household_size_factor(2040) == 1.0
    # CBS 37975: 2.23 persons in 2010, 2.13 in 2024
    assert pop.household_size_factor(2010) == pytest.approx(2.13 / 2.23)
    assert pop.household_size_factor(2000) == pop.household_size_factor(2010)
    assert pop.household_size_factor(2017) == pytest.approx(2.13 / 2.18)
    assert pop.household_size_factor(2011) < pop.household_size_factor(2020) < 1.0
