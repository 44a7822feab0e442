"""``python -m amo_data`` — see amo_data.cli."""

import sys

from .cli import main

sys.exit(main())
