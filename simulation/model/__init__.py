"""The SimPy model of an IT department; knows no files, plots or CLI."""
