"""Run the command-line tools: ``python -m scripts --help``."""

import sys

from scripts.cli import main

sys.exit(main())
