"""``python -m dashboard`` is the ``eosc-perf-dashboard`` command."""

from dashboard.cli import run

run()
