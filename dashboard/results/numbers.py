"""One number format per column: the same decimals for every row, thousands grouped.

A column that shows ``0.7925`` in one row and ``0.81`` in the next, or ``1.459e+04``
beside ``2,320``, cannot be read down. Each column gets enough decimals for its typical
value (the median magnitude: one outlier does not take every row's decimals away) to
show :data:`SIGNIFICANT` significant digits, and every row shows that many.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

__all__ = ["SIGNIFICANT", "decimals_for", "numbro_format"]

SIGNIFICANT = 4
_MOST_DECIMALS = 6


def decimals_for(values: Iterable[float], significant: int = SIGNIFICANT) -> int:
    """How many decimals give the column's median magnitude ``significant`` digits
    (at most six; none for a column of whole numbers)."""
    numbers = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
    numbers = np.abs(numbers[np.isfinite(numbers)])
    numbers = numbers[numbers > 0]
    if not numbers.size or np.all(numbers == np.round(numbers)):
        return 0
    digits = math.floor(math.log10(float(np.median(numbers)))) + 1
    return min(max(significant - digits, 0), _MOST_DECIMALS)


def numbro_format(decimals: int) -> str:
    """The pattern of Bokeh's ``NumberFormatter``: thousands grouped, ``decimals`` fixed."""
    return "0,0" + ("." + "0" * decimals if decimals else "")
