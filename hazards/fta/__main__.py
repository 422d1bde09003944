"""``python -m pumpproof.hazards.fta MODEL.xml [--json] [--cut-sets] [--importance]``."""

from __future__ import annotations

import sys

from pumpproof.cli import main

sys.exit(main(["fta", *sys.argv[1:]]))
