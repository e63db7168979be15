"""A built-in validation suite: the model against closed forms, as a table (`itsim verify`).

Each check simulates a small experiment built in code and compares the result with a closed form
(Erlang C, Cobham, MTBF/(MTBF+MTTR), Poisson, compound Poisson, NPV, ...) or a property the model
must have (the mirror property, the lost-time bound). Nothing here prints or writes files.
"""

from simulation.verify.checks import CheckResult
from simulation.verify.suite import check_names, format_table, run_checks, verify_table

__all__ = ["CheckResult", "check_names", "format_table", "run_checks", "verify_table"]
