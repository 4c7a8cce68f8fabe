"""Writing outputs and dating them: atomically (a temporary file beside the target, then a
rename), rewritten only on a real change, and dated reproducibly (SOURCE_DATE_EPOCH, one
rule for every output)."""

from __future__ import annotations

import datetime
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import Origin, fail


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


def write_if_changed(path: Path, data: bytes, comparable: Callable[[bytes], bytes] = bytes) -> bool:
    """Write `data` unless the file already holds the same (as `comparable` sees it: a
    template's dates, say, are not a change); say whether it was written."""
    if path.is_file() and comparable(path.read_bytes()) == comparable(data):
        return False
    write_atomically(path, data)
    return True


def source_date() -> datetime.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, or None when it is unset (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise fail(
            Origin("SOURCE_DATE_EPOCH"),
            "bad-epoch",
            f"not a Unix time that a date can hold: {epoch[:40]!r}; unset it or give seconds since 1970",
        ) from error


def build_date(event_date: datetime.date) -> datetime.datetime:
    """When an edition is dated: SOURCE_DATE_EPOCH when set, else its event's date, never the clock."""
    return source_date() or datetime.datetime.combine(event_date, datetime.time(), tzinfo=datetime.UTC)


def today() -> datetime.date:
    """The date an editing command records (a profile's last change): SOURCE_DATE_EPOCH's
    when set, else today's."""
    return (source_date() or datetime.datetime.now(tz=datetime.UTC)).date()


def proof_date() -> datetime.datetime:
    """When a proof is dated: SOURCE_DATE_EPOCH when set, else now (a proof says when it was made)."""
    return source_date() or datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)
