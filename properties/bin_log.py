"""The completed bins of a monitor's :class:`~pumpproof.properties.trackers.Ring`.

A runtime monitor recomputes insulin on board every minute as a dot product of the
last 360 one-minute deliveries with the curve's weights. In Python that product was the
largest single cost of a monitored step (about 11 µs); over an int64 buffer numpy does
it in about 1 µs. The bins live in a Python list (appends and reads stay cheap, and a
window that only needs its total never touches numpy); an int64 copy is brought up to
date when a dot product is asked for. It stays exact: the copy is used only while every
value is below 2**31 in magnitude and with weights whose absolute sum is below 2**32, so
no partial sum can reach 2**63. Past either bound (a target reporting absurd
deliveries, a custom curve with huge weights) the product is Python's exact one.
``tests/properties/test_rings.py`` holds both paths to the tuple ring's values.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import islice

import numpy as np
import numpy.typing as npt

__all__ = ["BinLog", "Int64Array", "int64_weights"]

_NARROW = 2**31  # a log with a value of this magnitude or more multiplies in Python
_WEIGHT_SUM = 2**32  # weights whose absolute sum reaches this are multiplied in Python

Int64Array = npt.NDArray[np.int64]


def int64_weights(weights: Sequence[int]) -> Int64Array | None:
    """``weights`` as an int64 array when a product with a narrow log cannot overflow."""
    if not all(type(w) is int for w in weights) or sum(map(abs, weights)) >= _WEIGHT_SUM:
        return None
    return np.array(weights, dtype=np.int64)


class BinLog:
    """Bins oldest first, append-only, shared by a ring and its successors."""

    __slots__ = ("_array", "_synced", "items", "narrow")

    def __init__(self, items: list[int] | None = None) -> None:
        self.items: list[int] = items if items is not None else []
        self.narrow = all(-_NARROW < value < _NARROW for value in self.items)
        self._array: Int64Array | None = None  # int64 copy of items[:_synced]
        self._synced = 0

    def __len__(self) -> int:
        return len(self.items)

    def append(self, value: int) -> None:
        self.items.append(value)
        if not -_NARROW < value < _NARROW:
            self.narrow, self._array = False, None

    def __getitem__(self, index: int) -> int:
        return self.items[index]

    def fork(self, end: int, value: int) -> BinLog:
        """A new log: this one's first ``end`` bins, then ``value``."""
        log = BinLog(self.items[:end])
        log.append(value)
        return log

    def values(self, start: int, end: int) -> list[int]:
        """Bins ``start`` … ``end − 1``."""
        return self.items[start:end]

    def _int64(self) -> Int64Array:
        """The int64 copy, brought up to date (only while narrow)."""
        array, length = self._array, len(self.items)
        if array is None or len(array) < length:
            grown = np.zeros(max(2 * length, 64), dtype=np.int64)
            if array is not None:
                grown[:self._synced] = array[:self._synced]
            array = self._array = grown
        synced = self._synced
        if synced == length - 1:  # the usual case: one bin since the last product
            array[synced] = self.items[synced]
        elif synced < length:
            array[synced:length] = self.items[synced:length]
        self._synced = length
        return array

    def dot(self, start: int, end: int, weights: Sequence[int],
            weights64: Int64Array | None, skip: int = 0) -> int:
        """Σ bin[start + i] · weights[skip + i] for i < end − start, exactly (the weights
        past ``skip`` are as many as the bins)."""
        if self.narrow and weights64 is not None:
            return int(self._int64()[start:end].dot(weights64[skip:]))
        return sum(map(operator.mul, self.items[start:end], islice(weights, skip, None)))
