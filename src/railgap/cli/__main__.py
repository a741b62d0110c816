"""``python -m railgap.cli``."""

from railgap.cli.app import main

main()
