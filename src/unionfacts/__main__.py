"""``python -m unionfacts`` → the CLI."""

import sys

from unionfacts.cli import main

sys.exit(main())
