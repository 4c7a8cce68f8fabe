"""Layout workers: layout jobs run in this process or on forked worker processes, behind
one interface (`submit`, `next`, `pending`, `size`), as Sphinx's `util/parallel.py` does.

Results come back in the order they finish, each with the tag it was submitted with.
Workers are forked at once, while this process runs no other thread, and start loading
WeasyPrint while the main process reads the content; the main process itself never
imports WeasyPrint.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.pool
import os
import queue
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .jobs import LaidOut, LayoutJob

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _start_worker(parent: int) -> None:
    _die_with(parent)
    # Loaded now, while the main process reads the content, rather than by the first job
    # (fontconfig was confined to the pinned fonts before the fork: see fonts.confine_fonts).
    import weasyprint  # noqa: F401


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when the build process dies, even by `kill -9`
    (Linux's PR_SET_PDEATHSIG): a worker waiting for jobs would otherwise wait forever."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build died before the request was made
        os._exit(1)


def _lay_out(job: LayoutJob) -> LaidOut:
    """A worker's job (WeasyPrint is imported by the workers only)."""
    from .engine import lay_out

    return lay_out(job)


class SerialWorkers:
    """Runs each job in this process as it is submitted."""

    # How many jobs run at once.
    size = 1

    def __init__(self) -> None:
        self.results: queue.SimpleQueue = queue.SimpleQueue()
        self.pending = 0

    def submit(self, job: LayoutJob, tag: Any) -> None:
        self.pending += 1
        # A job's failure comes back from `next`, as a worker process's does: a failure
        # raised here would leave a result counted that never comes.
        try:
            self.results.put((tag, _lay_out(job), None))
        except Exception as error:  # noqa: BLE001 -- raised again by `next`
            self.results.put((tag, None, error))

    def next(self) -> tuple[Any, LaidOut]:
        """The next finished job's tag and layout (raises what the job raised)."""
        tag, result, error = self.results.get()
        self.pending -= 1
        if error is not None:
            raise error
        return tag, result


class ParallelWorkers(SerialWorkers):
    """Runs jobs on a pool of worker processes."""

    def __init__(self, pool: multiprocessing.pool.Pool, size: int):
        super().__init__()
        self.pool = pool
        self.size = size

    def submit(self, job: LayoutJob, tag: Any) -> None:
        self.pending += 1
        self.pool.apply_async(
            _lay_out,
            (job,),
            callback=lambda result: self.results.put((tag, result, None)),
            error_callback=lambda error: self.results.put((tag, None, error)),
        )


@contextmanager
def workers(jobs: int, layouts: int) -> Iterator[SerialWorkers]:
    """Workers for layout jobs: `jobs` processes, or fewer when fewer `layouts` can run at
    once, or this process for one job at a time. They are reaped at the end, so that their
    time and memory count as the build's, or stopped at once when the build fails."""
    if jobs <= 1:
        yield SerialWorkers()
        return
    size = min(jobs, layouts)
    pool = multiprocessing.get_context("fork").Pool(size, initializer=_start_worker, initargs=(os.getpid(),))
    try:
        yield ParallelWorkers(pool, size)
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
