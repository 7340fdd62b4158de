"""Generated documents are deterministic, so each is built once per test session."""

from __future__ import annotations

from typing import Any

import pytest

from zhixuan.synth import generate_county, generate_qingquan


@pytest.fixture(scope="session")
def county() -> list[dict[str, Any]]:
    return generate_county(0)


@pytest.fixture(scope="session")
def qingquan() -> dict[str, Any]:
    return generate_qingquan(3)
