"""Shared fixtures. Tests that need ../shared skip with a clear message when it is absent (CI has it)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from training.paths import shared_dir  # noqa: E402


@pytest.fixture(scope="session")
def shared():
    d = shared_dir()
    if not (d / "corpus").is_dir():
        pytest.skip(f"needs the shared data at {d} (set GOVLINT_SHARED); not present on this machine")
    return d


@pytest.fixture(scope="session")
def pipeline():
    from nlp.pipeline import Pipeline

    return Pipeline()
