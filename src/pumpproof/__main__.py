"""``python -m pumpproof`` runs the CLI."""

import sys

from pumpproof.cli import main

sys.exit(main())
