"""file_read, file_write, file_list: confined to the workspace folder.

Every path goes through :func:`resolve_in_workspace`: NUL bytes, ``..`` escapes, absolute paths
outside the workspace and symlinks that resolve outside it are refused. Files are opened with
``O_NOFOLLOW | O_NONBLOCK`` and checked to be regular files after opening, so a device, a FIFO or
a symlink swapped in after the check is refused too. Writes go to a temporary file that replaces
the target atomically.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, Literal

from langchain_core.tools import BaseTool, tool
from pydantic import BaseModel, Field

from tools.base import ToolConfig, ToolError, check_input_size

MAX_PATH_CHARS = 1024


def resolve_in_workspace(workspace: Path, path: str) -> Path:
    """The absolute path that ``path`` names inside ``workspace``, or a :class:`ToolError`."""
    if not isinstance(path, str):
        raise ToolError("path: must be a string")
    if "\x00" in path:
        raise ToolError("path: NUL bytes are not allowed")
    check_input_size("path", path, MAX_PATH_CHARS)
    root = workspace.resolve()
    candidate = Path(path.strip() or ".")
    if candidate.is_absolute():
        try:
            candidate = candidate.resolve().relative_to(root)
        except ValueError:
            raise ToolError(f"path: {path!r} is outside the workspace") from None
    if ".." in candidate.parts:
        raise ToolError("path: '..' is not allowed")
    target = (root / candidate).resolve()  # follows symlinks: where the path really leads
    if target != root and root not in target.parents:
        raise ToolError(f"path: {path!r} leads outside the workspace")
    return target


def _relative(workspace: Path, target: Path) -> str:
    return str(target.relative_to(workspace.resolve())) or "."


def _open_regular(target: Path, flags: int) -> int:
    try:
        fd = os.open(target, flags | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ToolError("path: no such file") from None
    except IsADirectoryError:
        raise ToolError("path: is a directory") from None
    except OSError as exc:
        raise ToolError(f"path: cannot open ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ToolError("path: not a regular file (devices, FIFOs and sockets are refused)")
    return fd


class FileReadArgs(BaseModel):
    path: str = Field(description="File path relative to the workspace, e.g. 'notes/todo.txt'.")
    offset: int = Field(default=0, ge=0, description="Byte offset to start reading at.")


class FileWriteArgs(BaseModel):
    path: str = Field(description="File path relative to the workspace, e.g. 'notes/todo.txt'.")
    content: str = Field(description="The text to write.")
    mode: Literal["overwrite", "append", "create"] = Field(
        default="overwrite",
        description="'overwrite' replaces the file, 'append' adds to its end, 'create' fails if it exists.",
    )


class FileListArgs(BaseModel):
    path: str = Field(default=".", description="Folder relative to the workspace.")
    depth: int = Field(default=1, ge=1, le=10, description="How many levels to descend.")


def read_file(config: ToolConfig, path: str, offset: int = 0) -> dict[str, Any]:
    target = resolve_in_workspace(config.workspace, path)
    fd = _open_regular(target, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        handle.seek(offset)
        data = handle.read(config.file_max_bytes + 1)
    truncated = len(data) > config.file_max_bytes
    data = data[: config.file_max_bytes]
    if b"\x00" in data[:8192]:
        return {
            "path": _relative(config.workspace, target),
            "size": size,
            "binary": True,
            "summary": f"{path} is a binary file of {size} bytes.",
        }
    text = data.decode("utf-8", errors="replace")
    return {
        "path": _relative(config.workspace, target),
        "size": size,
        "offset": offset,
        "truncated": truncated,
        "content": text,
        "summary": f"{path} ({size} bytes):\n{text[:500]}",
    }


def write_file(
    config: ToolConfig, path: str, content: str, mode: str = "overwrite"
) -> dict[str, Any]:
    encoded = content.encode("utf-8", errors="strict")
    if len(encoded) > config.file_max_bytes:
        raise ToolError(
            f"content: {len(encoded)} bytes is over the limit of {config.file_max_bytes}"
        )
    target = resolve_in_workspace(config.workspace, path)
    if target == config.workspace.resolve():
        raise ToolError("path: names the workspace itself, not a file")
    exists = os.path.lexists(target)
    if exists:
        info = os.lstat(target)
        if not stat.S_ISREG(info.st_mode):
            raise ToolError("path: exists and is not a regular file")
        if mode == "create":
            raise ToolError(f"path: {path!r} already exists (mode 'create')")
    previous = b""
    if mode == "append" and exists:
        fd = _open_regular(target, os.O_RDONLY)
        with os.fdopen(fd, "rb") as handle:
            previous = handle.read(config.file_max_bytes + 1)
        if len(previous) + len(encoded) > config.file_max_bytes:
            raise ToolError(f"the file would grow past the limit of {config.file_max_bytes} bytes")
    target.parent.mkdir(parents=True, exist_ok=True)
    if resolve_in_workspace(config.workspace, str(target.parent)) != target.parent.resolve():
        raise ToolError("path: its folder leads outside the workspace")  # pragma: no cover
    fd, temp = tempfile.mkstemp(prefix=".toolloom-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(previous + encoded)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    size = len(previous) + len(encoded)
    verb = {"append": "Appended", "create": "Created"}.get(mode, "Wrote")
    return {
        "path": _relative(config.workspace, target),
        "bytes_written": len(encoded),
        "size": size,
        "summary": f"{verb} {len(encoded)} bytes to {_relative(config.workspace, target)}.",
    }


def list_files(config: ToolConfig, path: str = ".", depth: int = 1) -> dict[str, Any]:
    root = config.workspace.resolve()
    root.mkdir(parents=True, exist_ok=True)
    target = resolve_in_workspace(config.workspace, path)
    if not target.is_dir():
        raise ToolError(f"path: {path!r} is not a folder")
    depth = min(depth, config.list_max_depth)
    entries: list[dict[str, Any]] = []
    truncated = False

    def walk(folder: Path, level: int) -> None:
        nonlocal truncated
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in children:
            if len(entries) >= config.list_max_entries:
                truncated = True
                return
            info = entry.stat(follow_symlinks=False)
            kind = (
                "link"
                if entry.is_symlink()
                else "dir"
                if entry.is_dir(follow_symlinks=False)
                else ("file" if stat.S_ISREG(info.st_mode) else "other")
            )
            item: dict[str, Any] = {"path": str(Path(entry.path).relative_to(root)), "type": kind}
            if kind == "file":
                item["size"] = info.st_size
            entries.append(item)
            if kind == "dir" and level < depth:
                walk(Path(entry.path), level + 1)

    walk(target, 1)
    return {
        "path": _relative(config.workspace, target),
        "entries": entries,
        "truncated": truncated,
        "summary": f"{len(entries)} entries in {_relative(config.workspace, target)}"
        + (" (truncated)" if truncated else "")
        + (": " + ", ".join(e["path"] for e in entries[:20]) if entries else ""),
    }


def build_read(config: ToolConfig) -> BaseTool:
    @tool("file_read", args_schema=FileReadArgs)
    def file_read(path: str, offset: int = 0) -> dict[str, Any]:
        """Read a text file from the workspace folder."""
        return read_file(config, path, offset)

    return file_read


def build_write(config: ToolConfig) -> BaseTool:
    @tool("file_write", args_schema=FileWriteArgs)
    def file_write(path: str, content: str, mode: str = "overwrite") -> dict[str, Any]:
        """Write text to a file in the workspace folder (creating folders as needed)."""
        return write_file(config, path, content, mode)

    return file_write


def build_list(config: ToolConfig) -> BaseTool:
    @tool("file_list", args_schema=FileListArgs)
    def file_list(path: str = ".", depth: int = 1) -> dict[str, Any]:
        """List the files and folders in a workspace folder."""
        return list_files(config, path, depth)

    return file_list
