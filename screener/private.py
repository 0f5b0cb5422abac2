"""Files the tool writes that can say what was screened (SQLite stores: audit log, batch ledger, exposure
ledger) are readable and writable by their owner only, like results, reports and indexes."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 when it does not exist (whatever the umask), or tighten an existing
    file of ours to 0600; returns ``path``. SQLite creates its ``-wal`` and ``-shm`` files with the mode of the
    database file, so a store opened after this call keeps all three private. Raises OSError when the file
    cannot be created."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with contextlib.suppress(PermissionError):  # a file someone else owns keeps its mode
            os.chmod(path, 0o600)
        return path
    os.fchmod(fd, 0o600)
    os.close(fd)
    return path
