"""`python -m generator` behaves exactly like the `haven` command."""

from generator.cli import run

run()
