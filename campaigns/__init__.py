"""The jobs users run, built from the engines: ``verify`` (every property on the reference
model) and ``check`` (the CI gate on a target), with the evidence they produce."""
