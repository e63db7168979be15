"""itsim: Monte Carlo risk and cost simulation of internal, external and hybrid IT services."""

__version__ = "0.1.0"
