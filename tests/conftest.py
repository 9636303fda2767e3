"""Shared pytest options and fixtures."""

from __future__ import annotations

import os

import pytest

# Internal errors of the engine raise instead of being counted and skipped, in this process
# and in every CLI, server and probe process the tests start.
os.environ.setdefault("LEAF_LSP_DEBUG", "1")
# Results are not kept between the tests' runs (they swap engines and resolvers in and out);
# the tests of the cache itself turn it back on.
os.environ.setdefault("LEAF_LSP_NO_CACHE", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        default=False,
        help="rewrite the expected-output files of rule and fix fixtures from the current engine",
    )


@pytest.fixture
def update_fixtures(request: pytest.FixtureRequest) -> bool:
    """Whether expected files should be rewritten instead of compared."""
    return bool(request.config.getoption("--update-fixtures"))
