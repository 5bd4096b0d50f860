"""Run the command-line tools: ``python -m alliance_site --help``."""

import sys

from alliance_site.cli import main

sys.exit(main())
