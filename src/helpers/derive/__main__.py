"""``python -m helpers.derive`` (``make derive``): recompute the derived tables."""

import sys

from helpers.derive.pipeline import main

sys.exit(main())
