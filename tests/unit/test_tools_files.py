"""file_read, file_write, file_list: realistic use, and every escape from the workspace refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.base import ToolConfig, ToolError
from tools.files import list_files, read_file, resolve_in_workspace, write_file


@pytest.fixture
def config(tmp_path: Path) -> ToolConfig:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (tmp_path / "secret.txt").write_text("top secret")
    return ToolConfig(workspace=workspace, file_max_bytes=1000, list_max_entries=10)


def test_write_read_append_list(config: ToolConfig) -> None:
    assert write_file(config, "notes/todo.txt", "buy milk\n")["bytes_written"] == 9
    write_file(config, "notes/todo.txt", "call mom\n", "append")
    assert read_file(config, "notes/todo.txt")["content"] == "buy milk\ncall mom\n"
    listing = list_files(config, ".", depth=2)
    assert {"path": "notes", "type": "dir"} in listing["entries"]
    assert {"path": "notes/todo.txt", "type": "file", "size": 18} in listing["entries"]
    with pytest.raises(ToolError, match="already exists"):
        write_file(config, "notes/todo.txt", "x", "create")


def test_korean_text_round_trips(config: ToolConfig) -> None:
    write_file(config, "메모.txt", "안녕하세요")
    assert read_file(config, "메모.txt")["content"] == "안녕하세요"


def test_absolute_path_inside_the_workspace_is_fine(config: ToolConfig) -> None:
    write_file(config, "a.txt", "x")
    assert read_file(config, str(config.workspace.resolve() / "a.txt"))["content"] == "x"


@pytest.mark.parametrize(
    "path",
    [
        "../secret.txt",
        "notes/../../secret.txt",
        "/etc/passwd",
        "/etc/../etc/passwd",
        "a\x00b",
        "~/.ssh/id_rsa/../../..",
    ],
)
def test_escapes_are_refused(config: ToolConfig, path: str) -> None:
    with pytest.raises(ToolError, match="path"):
        read_file(config, path)
    with pytest.raises(ToolError, match="path"):
        write_file(config, path, "owned")
    assert (config.workspace.parent / "secret.txt").read_text() == "top secret"


def test_symlink_out_of_the_workspace_is_refused(config: ToolConfig) -> None:
    os.symlink(config.workspace.parent / "secret.txt", config.workspace / "link.txt")
    os.symlink(config.workspace.parent, config.workspace / "up")
    for path in ("link.txt", "up/secret.txt"):
        with pytest.raises(ToolError, match="outside"):
            read_file(config, path)
    with pytest.raises(ToolError, match="outside"):
        write_file(config, "up/new.txt", "x")
    assert not (config.workspace.parent / "new.txt").exists()


def test_symlink_inside_the_workspace_is_followed(config: ToolConfig) -> None:
    write_file(config, "real.txt", "inside")
    os.symlink(config.workspace / "real.txt", config.workspace / "alias.txt")
    assert read_file(config, "alias.txt")["content"] == "inside"


def test_fifo_and_devices_are_refused_without_blocking(config: ToolConfig) -> None:
    os.mkfifo(config.workspace / "pipe")
    with pytest.raises(ToolError, match="regular file"):
        read_file(config, "pipe")
    with pytest.raises(ToolError, match="not a regular file"):
        write_file(config, "pipe", "x")
    os.symlink("/dev/zero", config.workspace / "zero")
    with pytest.raises(ToolError):
        read_file(config, "zero")


def test_size_caps(config: ToolConfig) -> None:
    with pytest.raises(ToolError, match="over the limit"):
        write_file(config, "big.txt", "x" * 1001)
    (config.workspace / "large.bin").write_text("y" * 5000)
    result = read_file(config, "large.bin")
    assert result["truncated"] is True and len(result["content"]) == 1000
    write_file(config, "grow.txt", "x" * 600)
    with pytest.raises(ToolError, match="grow past"):
        write_file(config, "grow.txt", "x" * 600, "append")
    assert len(read_file(config, "grow.txt")["content"]) == 600


def test_write_is_atomic_and_leaves_no_temp_files(config: ToolConfig) -> None:
    write_file(config, "f.txt", "one")
    write_file(config, "f.txt", "two")
    assert sorted(p.name for p in config.workspace.iterdir()) == ["f.txt"]


def test_list_caps_entries(config: ToolConfig) -> None:
    for i in range(25):
        (config.workspace / f"f{i:02}.txt").write_text("x")
    result = list_files(config)
    assert len(result["entries"]) == 10 and result["truncated"] is True


def test_binary_file_is_described_not_dumped(config: ToolConfig) -> None:
    (config.workspace / "img.png").write_bytes(b"\x89PNG\x00\x00\x01")
    assert read_file(config, "img.png")["binary"] is True


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"ab./\\~\x00 ", "..", "/etc", "%2e", "ws", "prop-ws"]), max_size=15
    ).map("".join)
)
def test_resolver_never_leaves_the_workspace(
    tmp_path_factory: pytest.TempPathFactory, path: str
) -> None:
    workspace = tmp_path_factory.getbasetemp() / "prop-ws"
    workspace.mkdir(exist_ok=True)
    try:
        target = resolve_in_workspace(workspace, path)
    except ToolError:
        return
    root = workspace.resolve()
    assert target == root or root in target.parents
