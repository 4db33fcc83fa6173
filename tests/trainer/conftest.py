"""Trainer fixtures on the shared session index (tests/conftest.py): Stoke-on-Trent's four inspections,
Norfolk 2026 and two framework documents. Briefings are computed once per session."""
from __future__ import annotations

import pytest

SUPERVISION = "management oversight and supervision"


@pytest.fixture(scope="session")
def index(built_index):
    from assistant.index import Index

    return Index(built_index[0])


@pytest.fixture(scope="session")
def supervision_briefing(index):
    from assistant.trainer import build_briefing

    return build_briefing(index, SUPERVISION)


@pytest.fixture(scope="session")
def empty_briefing(index):
    from assistant.trainer import build_briefing

    return build_briefing(index, "xyzzy frobnication quuxes", dense=False)
