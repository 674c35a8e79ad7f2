from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.server_process import ServerProcess


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def store_env(database_url: str) -> dict[str, str]:
    """The environment that puts a ``ServerProcess`` on the test's database: nothing for SQLite
    (the process's own ``TOOLLOOM_DB`` file), ``TOOLLOOM_DATABASE_URL`` for PostgreSQL."""
    if database_url.startswith("sqlite"):
        return {}
    return {"TOOLLOOM_DATABASE_URL": database_url}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real server on the embedded model for the module's tests."""
    process = ServerProcess(tmp_path_factory.mktemp("server")).start()
    yield process
    process.stop()
