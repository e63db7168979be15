"""Configuration: YAML files validated into one immutable experiment; distribution specs."""

from simulation.config.loader import config_hash, experiment_from_dict, load_config, load_experiment
from simulation.config.schema import Experiment

__all__ = ["Experiment", "config_hash", "experiment_from_dict", "load_config", "load_experiment"]
