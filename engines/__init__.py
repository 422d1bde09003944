"""Verification engines: Z3 proofs, Hypothesis fuzzing, CrossHair contracts, directed
scenarios, runtime monitors and protocol sessions. Each takes properties and a model or a
target and returns typed results; none prints or writes files."""
