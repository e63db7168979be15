"""`python -m simulation` runs the itsim command line."""

import sys

try:
    from simulation.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python starts: exit as the command line would
    sys.stderr.write("\nitsim: interrupted\n")
    sys.exit(130)

sys.exit(main())
