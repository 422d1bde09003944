"""Evidence that the checks can fail: deliberately broken models (``Rules`` values) and
contracted functions, each of which the property written for it must catch."""
