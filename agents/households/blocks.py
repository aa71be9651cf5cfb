"""Housing blocks: the 1 km squares (cut by province borders) where household agents live.

Households choose among blocks, not among single cells: at 250 m most cells hold a few
households (median 2.4 in the shipped bundle), too few for a group agent. A block is the part of
one :data:`BLOCK_SIZE_M` square of the national grid that lies in one province, so every block
has exactly one province and provincial totals stay exact. Inside a block, households are spread
over the cells in proportion to the cells' dwellings (:func:`spread_to_cells`). At 1000 m and
coarser one block is one cell (of its province).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from environment.landscape import Landscape

#: Side of a housing block (m). ASSUMPTION: 1 km, the scale of a neighbourhood (buurt) and of
#: the CBS square statistics; explore 500-2000 m (must be a multiple of the cell size).
BLOCK_SIZE_M = 1000
#: ASSUMPTION: side of a district in blocks (4: 4 km squares, cut by province borders). Households
#: that formed but have no dwelling yet are kept per district, at its hub (its block with the
#: most land cells), not per block: they search from there (15 km around), and tens of thousands
#: of groups of a household or two would cost time without changing where they go; explore 2-8.
DISTRICT_BLOCKS = 4


@dataclass
class Blocks:
    """The housing blocks of a run.

    Attributes
    ----------
    of_cell : ndarray of int64
        Block of every flat cell; -1 for cells outside land or outside every province.
    province_id, corop_id : ndarray of uint8
        Province of every block; COROP region of the block's first cell.
    row, col : ndarray of int64
        Position of the block's square on the block grid.
    square : ndarray of int64
        Block grid (shape ``grid_shape``): for each square the block with most land cells in
        it, -1 where none (the block a random offset lands on).
    x_m, y_m : ndarray of float64
        Centre of the block's land cells (RD New, m).
    n_cells : ndarray of int64
        Land cells per block.
    cells_per_side : int
        Cells along a side of a block square.
    side_m : float
        Side of a block square (m).
    hub : ndarray of int64
        The hub of each block's district (:data:`DISTRICT_BLOCKS`): where latent households of
        the district are kept.
    """

    of_cell: np.ndarray
    province_id: np.ndarray
    corop_id: np.ndarray
    row: np.ndarray
    col: np.ndarray
    square: np.ndarray
    x_m: np.ndarray
    y_m: np.ndarray
    n_cells: np.ndarray
    cells_per_side: int
    side_m: float
    hub: np.ndarray

    @property
    def n(self) -> int:
        return self.province_id.size

    def sum(self, cell_values: np.ndarray) -> np.ndarray:
        """Per-block sums of a per-cell array."""
        flat = np.asarray(cell_values, dtype=np.float64).ravel()
        on = self.of_cell >= 0
        return np.bincount(self.of_cell[on], weights=flat[on], minlength=self.n)

    def mean(self, cell_values: np.ndarray) -> np.ndarray:
        """Per-block means over the block's land cells."""
        return self.sum(cell_values) / np.maximum(self.n_cells, 1)


def make_blocks(landscape: Landscape) -> Blocks:
    """Cut the landscape's land cells into housing blocks (see the module docstring)."""
    grid = landscape.grid
    side = max(1, int(round(BLOCK_SIZE_M / grid.cell_size_m)))
    province = landscape["province_id"].astype(np.int64)
    land = landscape["land_mask"] & (province > 0)
    rows, cols = np.indices(grid.shape)
    n_bc = (grid.n_cols + side - 1) // side
    n_br = (grid.n_rows + side - 1) // side
    key = ((rows // side) * n_bc + cols // side) * 256 + province
    flat_key = key.ravel()
    on = land.ravel()
    uniq, inverse = np.unique(flat_key[on], return_inverse=True)
    of_cell = np.full(flat_key.size, -1, dtype=np.int64)
    of_cell[on] = inverse
    n = uniq.size
    square = uniq // 256
    n_cells = np.bincount(inverse, minlength=n)
    cell_rows, cell_cols = np.divmod(np.flatnonzero(on), grid.n_cols)
    x = grid.x_min_m + (cell_cols + 0.5) * grid.cell_size_m
    y = grid.y_max_m - (cell_rows + 0.5) * grid.cell_size_m
    x_m = np.bincount(inverse, weights=x, minlength=n) / n_cells
    y_m = np.bincount(inverse, weights=y, minlength=n) / n_cells
    first = np.full(n, -1, dtype=np.int64)
    flat_on = np.flatnonzero(on)
    first[inverse[::-1]] = flat_on[::-1]  # the first cell of each block
    corop = landscape["corop_id"].ravel()[first].astype(np.uint8)
    # The block a square points to: the one with the most land cells there.
    order = np.lexsort((-n_cells, square))
    lookup = np.full(n_br * n_bc, -1, dtype=np.int64)
    lead = order[np.r_[True, square[order][1:] != square[order][:-1]]]
    lookup[square[lead]] = lead
    row, col = square // n_bc, square % n_bc
    province = uniq % 256
    district = ((row // DISTRICT_BLOCKS) * n_bc + col // DISTRICT_BLOCKS) * 256 + province
    d_uniq, d_of = np.unique(district, return_inverse=True)
    by_size = np.lexsort((-n_cells, d_of))
    lead_of_district = by_size[np.r_[True, d_of[by_size][1:] != d_of[by_size][:-1]]]
    hub = np.empty(n, dtype=np.int64)
    hub[:] = lead_of_district[d_of]
    return Blocks(
        of_cell=of_cell,
        province_id=province.astype(np.uint8),
        corop_id=corop,
        row=row,
        col=col,
        square=lookup.reshape(n_br, n_bc),
        x_m=x_m,
        y_m=y_m,
        n_cells=n_cells,
        cells_per_side=side,
        side_m=float(side * grid.cell_size_m),
        hub=hub,
    )


def block_shares(blocks: Blocks, weight: np.ndarray) -> np.ndarray:
    """Each block cell's share of its block (per cell with ``of_cell >= 0``, in cell order), in
    proportion to ``weight`` (per cell, e.g. dwellings); even over the block's land cells where
    the weights sum to zero."""
    w = np.asarray(weight, dtype=np.float64).ravel()
    on = blocks.of_cell >= 0
    b = blocks.of_cell[on]
    total = np.bincount(b, weights=w[on], minlength=blocks.n)
    return np.where(total[b] > 0, w[on] / np.where(total[b] > 0, total[b], 1.0),
                    1.0 / blocks.n_cells[b])


def spread_with(blocks: Blocks, block_values: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Spread per-block totals over the cells by ``shares`` (:func:`block_shares`; flat)."""
    on = blocks.of_cell >= 0
    out = np.zeros(blocks.of_cell.size)
    out[on] = np.asarray(block_values, dtype=np.float64)[blocks.of_cell[on]] * shares
    return out


def spread_to_cells(blocks: Blocks, block_values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Spread per-block totals over each block's cells in proportion to ``weight`` (per cell,
    e.g. dwellings); evenly over the block's land cells where the weights sum to zero."""
    return spread_with(blocks, block_values, block_shares(blocks, weight))
