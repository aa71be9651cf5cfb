"""The one raster grid of a run: RD New (EPSG:28992) cells of 1000, 250 or 100 m.

All national grids share one origin so that coarser cells nest exactly in finer ones. The
origin and extent follow the JRC GHS degree-of-urbanisation raster shipped in
``../shared/data/nl/urban`` (left 13,000 m, top 620,000 m), widened to whole kilometres so
that it covers every Dutch province polygon (CBS 2022).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from affine import Affine

CRS = "EPSG:28992"
RESOLUTIONS_M: tuple[int, ...] = (1000, 250, 100)

#: National extent in RD New metres: left, bottom, right, top.
NL_BOUNDS_M: tuple[float, float, float, float] = (13_000.0, 306_000.0, 279_000.0, 620_000.0)


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid in EPSG:28992.

    Parameters
    ----------
    x_min_m, y_max_m : float
        Coordinates of the upper-left corner of the upper-left cell (metres, RD New).
    cell_size_m : int
        Edge length of a square cell (metres).
    n_rows, n_cols : int
        Grid shape.

    Examples
    --------
    >>> g = Grid.national(1000)
    >>> g.shape, g.cell_area_ha
    ((314, 266), 100.0)
    """

    x_min_m: float
    y_max_m: float
    cell_size_m: int
    n_rows: int
    n_cols: int
    crs: str = CRS

    @classmethod
    def national(cls, resolution_m: int) -> Grid:
        """The national grid at one of :data:`RESOLUTIONS_M`."""
        if resolution_m not in RESOLUTIONS_M:
            raise ValueError(f"resolution_m must be one of {RESOLUTIONS_M}, got {resolution_m}")
        left, bottom, right, top = NL_BOUNDS_M
        return cls(
            x_min_m=left,
            y_max_m=top,
            cell_size_m=resolution_m,
            n_rows=round((top - bottom) / resolution_m),
            n_cols=round((right - left) / resolution_m),
        )

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_rows, self.n_cols)

    @property
    def cell_area_ha(self) -> float:
        return self.cell_size_m * self.cell_size_m / 10_000.0

    @property
    def transform(self) -> Affine:
        """Affine transform from (col, row) to RD New (x, y) of the cell corner."""
        return Affine(self.cell_size_m, 0.0, self.x_min_m, 0.0, -self.cell_size_m, self.y_max_m)

    @property
    def bounds_m(self) -> tuple[float, float, float, float]:
        """Left, bottom, right, top in metres."""
        return (
            self.x_min_m,
            self.y_max_m - self.n_rows * self.cell_size_m,
            self.x_min_m + self.n_cols * self.cell_size_m,
            self.y_max_m,
        )

    def cell_centres_m(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y of every cell centre, each of shape :attr:`shape` (float64, metres)."""
        half = self.cell_size_m / 2.0
        xs = self.x_min_m + half + self.cell_size_m * np.arange(self.n_cols)
        ys = self.y_max_m - half - self.cell_size_m * np.arange(self.n_rows)
        return np.meshgrid(xs, ys)

    def window(self, row0: int, row1: int, col0: int, col1: int) -> Grid:
        """The sub-grid of rows ``row0:row1`` and columns ``col0:col1``."""
        return Grid(
            x_min_m=self.x_min_m + col0 * self.cell_size_m,
            y_max_m=self.y_max_m - row0 * self.cell_size_m,
            cell_size_m=self.cell_size_m,
            n_rows=row1 - row0,
            n_cols=col1 - col0,
            crs=self.crs,
        )

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Grid:
        return cls(**d)
