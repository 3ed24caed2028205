"""`python -m generator` behaves exactly like the `haven` command."""

import sys

from generator.cli import main

sys.exit(main())
