from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.server_process import ServerProcess


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real server on the embedded model for the module's tests."""
    process = ServerProcess(tmp_path_factory.mktemp("server")).start()
    yield process
    process.stop()
