"""The one boundary for every file pressrun reads or writes, and the one rule for dates.

Input: a path and the project folder it must stay in (a `Folder`: content, layouts,
locales, the configuration's folder or the output folder). Output: the file's bytes or
text, a listing, or files put in place; otherwise a located problem. A path that leaves
its folder (through a symbolic link or `..`) is refused before anything is read, and
the refused file's text is never shown. Files are bounded in size; text may not hold
characters that no output can carry.

Writes are all or nothing: every file of a run is written beside its target first, then
a journal names them, then each is renamed into place (`write_together`). A run killed
at any moment leaves each previous file whole; the next run finishes the renames the
journal names and removes what was left half-written (`recover`). Dates are reproducible
(SOURCE_DATE_EPOCH, one rule for every output).
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import fcntl
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .errors import Origin, Problems, ProblemsFound, fail

# Bounds on what is read, so that no input can exhaust the machine.
MAX_FILE_BYTES = 32 * 2**20
MAX_TEXT_CHARS = 10_000

# Files pressrun keeps in a folder it writes: a file being written ends with TEMPORARY;
# the journal names the files of a run being put in place; the lock keeps two runs apart;
# the scratch folder holds what a run unpacks (an earlier revision to proof again).
TEMPORARY = ".pressrun-tmp"
JOURNAL = ".pressrun-journal.json"
LOCK = ".pressrun-lock"
SCRATCH = ".pressrun-scratch"

# Characters no output may hold: C0 controls (tab and newline aside), DEL and the C1
# controls, surrogates and the two non-characters XML forbids.
_UNUSABLE = {*range(0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF}


def unusable_character(text: str, allowed: str = "\t\n") -> int | None:
    """The index of the first character of `text` that no output may hold, or None."""
    if text.isascii() and text.isprintable():
        return None
    return next((i for i, char in enumerate(text) if ord(char) in _UNUSABLE and char not in allowed), None)


def position(text: str, index: int, shown: str) -> Origin:
    """Where character `index` of `text`, the whole text of the file `shown`, is."""
    before = text[:index]
    return Origin(shown, before.count("\n") + 1, index - before.rfind("\n"))


def character_problem(text: str, index: int) -> str:
    return f"character U+{ord(text[index]):04X} cannot be printed or stored in an output: remove it"


@dataclass(frozen=True)
class Folder:
    """A folder of the project that pressrun reads or writes, shown relative to `root`."""

    path: Path
    root: Path

    def shown(self, path: Path) -> str:
        """`path` as the user sees it: relative to the project, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def inside(self, path: Path) -> Path:
        """`path` resolved (links followed, `..` removed); a located error when it, or this
        folder itself, leads out of the folder (or the folder out of the project)."""
        base = self.path.resolve()
        if not base.is_relative_to(self.root.resolve()):
            raise fail(Origin(self.shown(self.path)), "outside-project", _OUTSIDE.format(what="this folder"))
        resolved = path.resolve()
        if not resolved.is_relative_to(base):
            what = "the project" if self.path == self.root else f"{self.shown(self.path)}/"
            raise fail(Origin(self.shown(path)), "outside-project", _OUTSIDE.format(what=what))
        return resolved

    def is_file(self, path: Path) -> bool:
        """Whether `path` is a file of this folder (a located error when it leads out)."""
        return self.inside(path).is_file()

    def read_bytes(self, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
        """The bytes of the file `path`, which must stay inside the folder and hold at most `limit` bytes."""
        data = bytearray()
        with self._open(path) as stream:
            while len(data) <= limit and (chunk := stream.read(min(2**20, limit + 1 - len(data)))):
                data += chunk
        if len(data) > limit:
            message = f"larger than {limit / 2**20:g} MB, the most pressrun reads from one such file"
            raise fail(Origin(self.shown(path)), "too-large", message)
        return bytes(data)

    def sha256(self, path: Path) -> str:
        """The SHA-256 of the file `path` (of any size), which must stay inside the folder."""
        with self._open(path) as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()

    def add_tree(self, digest, under: Path | None = None) -> None:
        """Feed `digest` (a hashlib object) every file of the folder (or of `under`),
        each as its shown path and its bytes."""
        for path in self.files(under):
            digest.update(os.fsencode(self.shown(path)) + b"\0" + self.read_bytes(path) + b"\0")

    @contextlib.contextmanager
    def _open(self, path: Path) -> Iterator[BinaryIO]:
        resolved, origin = self.inside(path), Origin(self.shown(path))
        try:
            if not stat.S_ISREG(resolved.stat().st_mode):
                raise fail(origin, "not-a-file", "not a file: pressrun reads only ordinary files here")
            with resolved.open("rb") as stream:
                yield stream
        except OSError as error:
            raise fail(origin, "unreadable", f"cannot read it: {_reason(error)}") from error

    def read_text(self, path: Path, limit: int = MAX_FILE_BYTES) -> str:
        """The file's UTF-8 text; a located error at the first byte that is not UTF-8 or
        the first character that no output may hold."""
        return decode(self.read_bytes(path, limit), self.shown(path))

    def files(self, under: Path | None = None, recursive: bool = True, problems: Problems | None = None) -> list[Path]:
        """The files in the folder (or in `under`, inside it), sorted; a located error for
        any link that leads out (added to `problems` when given, and the link left out).
        Links that stay inside are listed where they point from."""
        start = under or self.path
        self.inside(start)
        found: list[Path] = []
        try:
            for directory, folders, names in os.walk(start, onerror=_raise):
                here = Path(directory)
                found += [here / name for name in folders if (here / name).is_symlink()]
                folders[:] = sorted(f for f in folders if f != "__pycache__" and recursive)
                found += [here / name for name in names]
        except OSError as error:
            shown = self.shown(Path(error.filename or start))
            raise fail(Origin(shown), "unreadable", f"cannot list it: {_reason(error)}") from error
        refused, kept = Problems(), []
        for path in found:
            try:
                self.inside(path)
            except ProblemsFound as error:
                refused.extend(error.problems)
                continue
            kept.append(path)
        if problems is None:
            refused.raise_if_errors()
        else:
            problems.extend(refused.items)
        return sorted(path for path in kept if path.is_file() and not path.is_dir())

    def make(self) -> Path:
        """The folder, created when missing (inside the project only)."""
        self.inside(self.path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise fail(Origin(self.shown(self.path)), "cannot-write", cannot_write(error)) from error
        return self.inside(self.path)


_OUTSIDE = (
    "leads outside {what} (through a symbolic link or '..'); pressrun reads and writes only inside the "
    "project's folders: replace the link with the file or folder itself"
)


def _raise(error: OSError) -> None:
    raise error


def _reason(error: OSError) -> str:
    return {
        errno.ENOENT: "no such file",
        errno.EACCES: "permission denied: make it readable",
        errno.EISDIR: "it is a folder",
        errno.ELOOP: "a loop of symbolic links",
    }.get(error.errno or 0, error.strerror or str(error))


def decode(data: bytes, shown: str, encoding: str = "utf-8", remedy: str = "") -> str:
    """`data` as text in `encoding`; a located error where it is not (saying what to do:
    `remedy`, or to save it in that encoding), or where it holds a character that no
    output may hold (carriage returns of Windows line ends are fine)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line, col = before.count(b"\n") + 1, len(before) - before.rfind(b"\n")
        name = encoding.upper()
        remedy = remedy or f"save the file as {name}"
        raise fail(
            Origin(shown, line, col), "encoding", f"not {name} text (byte 0x{data[error.start]:02X}): {remedy}"
        ) from error
    index = unusable_character(text, allowed="\t\n\r")
    if index is not None:
        raise fail(position(text, index, shown), "control-character", character_problem(text, index))
    return text


# --- writing ------------------------------------------------------------------------------


def cannot_write(error: OSError) -> str:
    """What to tell the user when a file cannot be written, by the reason the system gives."""
    reason = {
        errno.ENOSPC: "the disk is full: free some space",
        errno.EDQUOT: "the disk quota is used up: free some space",
        errno.EROFS: "the disk is mounted read-only: build on a writable disk",
        errno.EACCES: "permission denied: make the folder writable (chmod u+w)",
        errno.EPERM: "not permitted (is it immutable? chattr -i): make it writable",
        errno.EEXIST: "a file has the name of a folder to make: move it away",
        errno.ENOTDIR: "a file stands where a folder should be: move it away",
    }.get(error.errno or 0, f"{error.strerror or error}")
    return f"cannot write here: {reason}"


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _stage(target: Path, data: bytes, durable: bool = True) -> Path:
    """`data` written (and, when `durable`, synced) beside `target`, under a name `recover` knows."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}{TEMPORARY}")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(descriptor, "wb") as stream:
        os.fchmod(descriptor, 0o644)
        stream.write(data)
        stream.flush()
        if durable:
            os.fsync(descriptor)
    if target.exists():
        # Fails now, before anything is replaced, when the target cannot be changed.
        status = target.stat()
        os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns), follow_symlinks=False)
    return temporary


def write_together(folder: Folder, files: Sequence[tuple[Path, bytes]], durable: bool = True) -> None:
    """Put every file of `files` (paths inside `folder`) in place, or none of them: a
    failure to write leaves every previous file as it was, with a located error.
    `durable=False` skips waiting for the disk: for files that are only a cache, which
    their reader checks anyway."""
    if not files:
        return
    base = folder.make()
    staged: list[tuple[Path, Path]] = []
    current = folder.path
    try:
        for current, data in files:
            folder.inside(current.parent)
            current.parent.mkdir(parents=True, exist_ok=True)
            folder.inside(current.parent)
            staged.append((_stage(current, data, durable), current))
        current = base
        if len(staged) > 1:  # one file is put in place by one rename: it needs no journal
            journal = [[_relative(folder, temp), _relative(folder, target)] for temp, target in staged]
            os.replace(_stage(base / JOURNAL, json.dumps({"renames": journal}).encode()), base / JOURNAL)
            _sync_folder(base)
    except BaseException as error:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            message = f"{cannot_write(error)}; the previous files are untouched"
            raise fail(Origin(folder.shown(current)), "cannot-write", message) from error
        raise
    _finish(folder, staged)


def _relative(folder: Folder, path: Path) -> str:
    return path.relative_to(folder.path).as_posix()


def _finish(folder: Folder, renames: list[tuple[Path, Path]]) -> None:
    """The renames a journal names, done; then the journal removed. Should a rename fail,
    the journal stays, and the next run finishes the renames."""
    target = folder.path
    try:
        for temporary, target in renames:
            if temporary.exists():
                os.replace(temporary, target)
        for parent in sorted({target.parent for _, target in renames}):
            _sync_folder(parent)
        (folder.path / JOURNAL).unlink(missing_ok=True)
        _sync_folder(folder.path)
    except OSError as error:
        message = f"{cannot_write(error)}; the next run puts the rest of the files in place"
        raise fail(Origin(folder.shown(target)), "cannot-write", message) from error


def _journal(folder: Folder) -> list[tuple[Path, Path]]:
    """The renames an interrupted run's journal names; none when it is not one pressrun
    wrote (then the files it would name are removed as leftovers)."""
    try:
        renames = []
        for temporary, target in json.loads(folder.read_text(folder.path / JOURNAL))["renames"]:
            staged, final = PurePosixPath(temporary), PurePosixPath(target)
            if not (
                staged.name.endswith(TEMPORARY)
                and staged.parent == final.parent
                and not final.is_absolute()
                and ".." not in final.parts
                and folder.inside(folder.path / final.parent).is_dir()
            ):
                return []
            renames.append((folder.path / staged, folder.path / final))
    except (ProblemsFound, ValueError, TypeError, KeyError):
        return []
    return renames


def recover(folder: Folder) -> None:
    """Finish what an interrupted run started in `folder`: the renames its journal names
    (all of its files go in place), then remove its half-written files and scratch."""
    if not folder.path.is_dir():
        return
    if (folder.path / JOURNAL).exists():
        _finish(folder, _journal(folder))
    try:
        # A link out of the folder is none of pressrun's files: it is left alone here.
        for path in folder.files(problems=Problems()):
            if path.name.endswith(TEMPORARY):
                path.unlink()
    except OSError as error:
        raise fail(Origin(folder.shown(folder.path)), "cannot-write", cannot_write(error)) from error
    shutil.rmtree(folder.path / SCRATCH, ignore_errors=True)


@contextlib.contextmanager
def exclusive(folder: Folder) -> Iterator[Path]:
    """Hold the project's output folder for one run (a second run at the same time is
    told so), after finishing what an interrupted run left there. Yields the run's
    scratch folder, which is also where the run's libraries make their temporary files
    (WeasyPrint's @font-face copies, say), so that nothing is left in the machine's
    temporary folder; it is removed at the end, or by the next run after a `kill -9`."""
    base = folder.make()
    try:
        descriptor = os.open(base / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise fail(Origin(folder.shown(base)), "cannot-write", cannot_write(error)) from error
    try:
        try:
            # A POSIX record lock: held by this process only (the layout workers it forks
            # do not inherit it), and released by the kernel when it dies, `kill -9` too.
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise fail(Origin(folder.shown(base)), "cannot-write", cannot_write(error)) from error
            raise fail(
                Origin(folder.shown(base)),
                "busy",
                "another pressrun run is writing this folder: wait for it to end, then run again",
            ) from error
        recover(folder)
        with _scratch(base / SCRATCH) as scratch:
            yield scratch
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def _scratch(scratch: Path) -> Iterator[Path]:
    previous = tempfile.tempdir
    try:
        scratch.mkdir()
    except OSError as error:
        raise fail(Origin(scratch.name), "cannot-write", cannot_write(error)) from error
    tempfile.tempdir = str(scratch)  # inherited by the layout workers forked during the run
    try:
        yield scratch
    finally:
        tempfile.tempdir = previous
        shutil.rmtree(scratch, ignore_errors=True)


# --- dates --------------------------------------------------------------------------------

# The latest date a PDF, an EPUB and a zip can all hold (zip dates end in 2107).
_LATEST_EPOCH = 4354819199


def source_date() -> datetime.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, or None when it is unset (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        seconds = int(epoch)
    except ValueError:
        seconds = -1
    if not 0 <= seconds <= _LATEST_EPOCH:
        raise fail(
            Origin("SOURCE_DATE_EPOCH"),
            "bad-epoch",
            f"{epoch[:40]!r} is not a date pressrun can print: give the seconds since 1970 "
            f"(0 to {_LATEST_EPOCH}, the end of 2107), or unset it",
        )
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


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
