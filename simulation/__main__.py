"""`python -m simulation` runs the itsim command line."""

import sys

from simulation.cli import main

sys.exit(main())
