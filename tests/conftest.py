"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def default_config_path() -> Path:
    """Absolute path of the reference experiment, configs/default.yaml."""
    return REPO_ROOT / "configs" / "default.yaml"
