"""The completed bins of a monitor's :class:`~pumpproof.properties.trackers.Ring`.

A runtime monitor recomputes insulin on board every minute as a dot product of the
last 360 one-minute deliveries with the curve's weights. In Python that product was the
largest single cost of a monitored step (about 11 µs); over an int64 buffer numpy does
it in about 1 µs. It stays exact: a log keeps int64 only while every value is below
2**31 in magnitude and a dot is done in int64 only with weights whose absolute sum is
below 2**32, so no partial sum can reach 2**63. Past either bound (a target reporting
absurd deliveries, a custom curve with huge weights), the same log switches to Python
ints for good, and the product is Python's exact one. ``tests/properties/test_rings.py``
holds both paths to the tuple ring's values.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import islice

import numpy as np
import numpy.typing as npt

__all__ = ["BinLog", "Int64Array", "int64_weights"]

_NARROW = 2**31  # a value of this magnitude or more moves a log to Python ints
_WEIGHT_SUM = 2**32  # weights whose absolute sum reaches this are multiplied in Python

Int64Array = npt.NDArray[np.int64]


def int64_weights(weights: Sequence[int]) -> Int64Array | None:
    """``weights`` as an int64 array when a product with a narrow log cannot overflow."""
    if not all(type(w) is int for w in weights) or sum(map(abs, weights)) >= _WEIGHT_SUM:
        return None
    return np.array(weights, dtype=np.int64)


class BinLog:
    """Bins oldest first, append-only, shared by a ring and its successors."""

    __slots__ = ("_array", "_items", "length")

    def __init__(self, capacity: int = 64) -> None:
        self._array: Int64Array | None = np.zeros(max(capacity, 16), dtype=np.int64)
        self._items: list[int] | None = None  # once wide: the bins as Python ints
        self.length = 0

    def append(self, value: int) -> None:
        array = self._array
        if array is not None and -_NARROW < value < _NARROW:
            if self.length == len(array):
                array = self._array = np.concatenate((array, np.zeros_like(array)))
            array[self.length] = value
        else:
            self._wide().append(value)
        self.length += 1

    def _wide(self) -> list[int]:
        if self._items is None:
            assert self._array is not None
            self._items = self._array[:self.length].tolist()
            self._array = None
        return self._items

    def __getitem__(self, index: int) -> int:
        if self._array is not None:
            return int(self._array[index])
        assert self._items is not None
        return self._items[index]

    def fork(self, end: int, value: int) -> BinLog:
        """A new log: this one's first ``end`` bins, then ``value``."""
        log = BinLog(2 * end + 16)
        log.extend(self.values(0, end))
        log.append(value)
        return log

    def extend(self, values: list[int]) -> None:
        for value in values:
            self.append(value)

    def values(self, start: int, end: int) -> list[int]:
        """Bins ``start`` … ``end − 1`` as Python ints."""
        if self._array is not None:
            values: list[int] = self._array[start:end].tolist()
            return values
        assert self._items is not None
        return self._items[start:end]

    def dot(self, start: int, end: int, weights: Sequence[int],
            weights64: Int64Array | None, skip: int = 0) -> int:
        """Σ bin[start + i] · weights[skip + i] for i < end − start, exactly (the weights
        past ``skip`` are as many as the bins)."""
        if self._array is not None and weights64 is not None:
            return int(self._array[start:end].dot(weights64[skip:]))
        return sum(map(operator.mul, self.values(start, end), islice(weights, skip, None)))
