"""Writing outputs: atomically (a temporary file beside the target, then a rename), and
dated reproducibly (SOURCE_DATE_EPOCH, never the clock)."""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

from .errors import Level, Origin, Problem, ProblemsFound


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build_date(event_date: datetime.date) -> datetime.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the event's date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        except ValueError as error:
            raise ProblemsFound(
                [Problem(Level.ERROR, Origin("SOURCE_DATE_EPOCH"), "bad-epoch", f"not a Unix time: {epoch!r}")]
            ) from error
    return datetime.datetime.combine(event_date, datetime.time(), tzinfo=datetime.UTC)
