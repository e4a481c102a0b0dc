"""Per-document time limit for the library: SIGALRM in the main thread.

The alarm interrupts Python code at its next instruction, and C code (lxml, regex) as soon as it
hands control back; inside a finalizer, whose exceptions Python ignores, it comes back just after.
No signal reaches another thread (``asyncio.to_thread``, a thread pool), and raising an exception
into a thread from outside can leave a lock it holds taken for good (an import's, a cache's): a
stress run of that way deadlocked. So off the main thread there is no time limit, and cleaner says
so with a :class:`TimeLimitUnavailable` warning instead of ignoring the limit silently. The
``cleaner clean`` command and the integrations run each document in a worker process, whose main
thread holds the limit, and the command kills a worker that overruns, which stops any hang.
"""

from __future__ import annotations

import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

_AGAIN = 0.01  # seconds: the retry of an alarm that fell inside a finalizer


class TimeLimitExceeded(BaseException):
    """Raised inside the pipeline when the alarm fires; a BaseException so that no ``except Exception`` eats it."""


class TimeLimitUnavailable(RuntimeWarning):
    """A time limit was asked for where none can be held (off the main thread)."""


def can_interrupt() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitExceeded in the block after ``seconds``; no limit for None.

    An alarm the caller had set is restored afterwards, with the time it had left. Off the main
    thread there is no limit, and a :class:`TimeLimitUnavailable` warning says so.
    """
    if not seconds or seconds <= 0:
        yield
        return
    if not can_interrupt():
        warnings.warn(
            "cleaner: the time limit is not held off the main thread; clean in a process of its own "
            "(cleaner clean, the integrations) or pass timeout=None",
            TimeLimitUnavailable,
            stacklevel=5,  # the caller of clean()
        )
        yield
        return

    def _expire(signum, frame):
        if _in_finalizer(frame):
            # Python ignores what a finalizer raises (regex's pattern objects have one, run by the
            # garbage collector anywhere): come back once it has returned
            signal.setitimer(signal.ITIMER_REAL, _AGAIN)
            return
        raise TimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, _expire)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:
            signal.setitimer(signal.ITIMER_REAL, outer_delay, outer_interval)


def _in_finalizer(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def seconds_left() -> float | None:
    """The seconds until the alarm of :func:`time_limit` fires (None: no alarm, or off the main thread).

    Compiled code holds no Python instruction at which the alarm could stop it, so it is handed
    this and checks a deadline in its own loops (:class:`cleaner._core.HtmlPage`).
    """
    if not can_interrupt():
        return None
    delay = signal.getitimer(signal.ITIMER_REAL)[0]
    return delay or None


def out_of_time() -> TimeLimitExceeded:
    """What compiled code that stopped at its deadline raises in Python: the alarm's own exception."""
    return TimeLimitExceeded()
