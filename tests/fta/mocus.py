"""A small MOCUS (top-down expansion + minimisation), for cross-checking in tests only.

Deliberately independent of the BDD code: it works on the tree's gates directly. Coherent
trees only (AND, OR, ATLEAST; house events propagated as constants).
"""

from __future__ import annotations

from itertools import combinations

from pumpproof.hazards.fta import FaultTree

Family = set[frozenset[str]]


def _minimise(family: Family) -> Family:
    kept: list[frozenset[str]] = []
    for cut_set in sorted(family, key=len):
        if not any(smaller <= cut_set for smaller in kept):
            kept.append(cut_set)
    return set(kept)


def mocus(tree: FaultTree) -> Family:
    memo: dict[str, Family] = {}

    def expand(name: str) -> Family:
        if name in memo:
            return memo[name]
        if name in tree.basic_events:
            result: Family = {frozenset([name])}
        elif name in tree.house_events:
            result = {frozenset()} if tree.house_events[name] else set()
        else:
            gate = tree.gates[name]
            children = [expand(child) for child in gate.children]
            if gate.kind == "or":
                result = set().union(*children)
            elif gate.kind == "and":
                result = {frozenset()}
                for child in children:
                    result = _minimise({a | b for a in result for b in child})
            elif gate.kind == "atleast":
                result = set()
                for group in combinations(children, gate.k):
                    part: Family = {frozenset()}
                    for child in group:
                        part = _minimise({a | b for a in part for b in child})
                    result |= part
            else:
                raise ValueError(f"MOCUS here is for coherent trees, not {gate.kind}")
            result = _minimise(result)
        memo[name] = result
        return result

    return expand(tree.top)
