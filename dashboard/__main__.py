"""``python -m dashboard`` is the ``eosc-perf-dashboard`` command."""

from .cli import main

main()
