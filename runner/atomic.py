"""Files written whole or not at all, so an interrupted run loses nothing."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class NotAPlainFile(OSError):
    """The path is a link, a device or a pipe: replacing it would destroy it."""


def require_plain_file(path: Path) -> None:
    """Refuse to replace anything at `path` but an ordinary file.

    `--report /dev/null` would otherwise put a file where the device was
    (for root), and a link would be replaced, not followed.

    Raises:
        NotAPlainFile: something else stands at `path`.
    """
    if path.is_symlink() or (path.exists() and not path.is_file()):
        kind = "a link" if path.is_symlink() else "a device, pipe or socket"
        raise NotAPlainFile(errno.EINVAL, f"it is {kind}, not a plain file", str(path))


def write_text_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    """Replace `path` with `text` in one step: readers see old or new, never half.

    A `durable` write waits until the disk has it, so it survives a power
    cut too. Without, it survives the process being killed (the system
    holds what was written) at a small part of the cost.
    """
    require_plain_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        # mkstemp makes the file private; reports and exports are ordinary files.
        os.fchmod(descriptor, 0o666 & ~_umask())
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(path.parent)


def _umask() -> int:
    """The process's umask; reading it means setting it, so it is put back at once."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut, where the system allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename still happened
    finally:
        os.close(descriptor)
