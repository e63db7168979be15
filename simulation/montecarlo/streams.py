"""Random streams keyed by stable names: common random numbers across scenarios, workers.

Every generator derives from one master seed through a `numpy.random.SeedSequence` whose spawn key
is (replication, hash of each key part). The hash is a fixed digest of the name, never Python's
salted `hash` and never a position, so replication r of every scenario sees the same stream for
"incidents of service_desk" or "resignations of sysadmin#1", whatever else the scenario contains,
whichever worker runs it and in whatever order.
"""

from __future__ import annotations

import hashlib

import numpy as np


def stable_key(name: str) -> int:
    """A 32-bit integer from a name, identical on every machine and Python process."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest(), "little")


class ReplicationStreams:
    """The random generators of one replication; `generator(*key)` is the same in every scenario."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = int(seed)
        self.replication = int(replication)

    def generator(self, *key: str) -> np.random.Generator:
        spawn_key = (self.replication, *(stable_key(str(part)) for part in key))
        return np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=spawn_key))
        )

    def __repr__(self) -> str:
        return f"ReplicationStreams(seed={self.seed}, replication={self.replication})"


def parameter_stream(seed: int, name: str) -> np.random.Generator:
    """The generator of an experiment-level design (e.g. a Latin hypercube), keyed by name."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(2**32 - 1, stable_key(name))))
    )
