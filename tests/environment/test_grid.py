import numpy as np
import pytest

from environment.grid import RESOLUTIONS_M, Grid


@pytest.mark.parametrize("res", RESOLUTIONS_M)
def test_national_grids_share_bounds_and_nest(res):
    grid = Grid.national(res)
    assert grid.bounds_m == Grid.national(1000).bounds_m
    assert grid.n_rows * res == 314_000 and grid.n_cols * res == 266_000


def test_cell_centres_follow_the_transform():
    grid = Grid.national(1000)
    x, y = grid.cell_centres_m()
    col, row = ~grid.transform @ (x[5, 7], y[5, 7])
    assert (col, row) == (7.5, 5.5)


def test_window_keeps_cell_positions():
    grid = Grid.national(250)
    win = grid.window(10, 20, 30, 45)
    assert win.shape == (10, 15)
    assert win.transform @ (0, 0) == grid.transform @ (30, 10)


def test_unknown_resolution_is_refused():
    with pytest.raises(ValueError, match="1000, 250, 100"):
        Grid.national(500)


def test_round_trip_through_dict():
    grid = Grid.national(100)
    assert Grid.from_dict(grid.to_dict()) == grid
    assert np.isclose(grid.cell_area_ha, 1.0)
