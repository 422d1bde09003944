"""``--properties MODULE``: the user's own properties, for the commands that check properties.

Installed plugins (entry point group ``pumpproof.properties``) load on their own; this option
adds a module or ``.py`` file for one command. Either way, every property must name
requirements of the spec in use (``--spec``), else the command exits 2 naming them.
"""

from __future__ import annotations

import argparse

from pumpproof.campaigns.verify import check_links
from pumpproof.properties.catalogue import add_property_modules, all_properties
from pumpproof.spec import Spec

__all__ = ["add_properties_argument", "use_properties"]


def add_properties_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--properties", action="append", default=[], metavar="MODULE",
        help="also check the properties of this module or .py file (its PROPERTIES list, "
             "or a function returning them); repeatable. Installed plugins (entry point "
             "group pumpproof.properties) are always loaded")


def use_properties(args: argparse.Namespace, spec: Spec) -> None:
    """Load the user's properties and refuse any that names a requirement not in ``spec``."""
    add_property_modules(getattr(args, "properties", None) or [])
    check_links(spec, all_properties())
