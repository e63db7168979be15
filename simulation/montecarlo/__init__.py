"""Replications, random streams, parameter sampling, executors and the result store."""
