"""Per-document time limit for the library: SIGALRM in the main thread, an asynchronous exception elsewhere.

In the main thread the alarm interrupts Python code at its next instruction, and C code (lxml,
regex) as soon as it hands control back; inside a finalizer, whose exceptions Python ignores, it
comes back just after. No signal reaches another thread (``asyncio.to_thread``, a thread pool):
there a timer thread raises the same exception in the calling thread, with CPython's
``PyThreadState_SetAsyncExc``, which Python code sees at its next instruction and C code once it
hands control back. A single C call that never returns (a read that blocks for good) can outlast
either; the ``cleaner clean`` command runs each document in a worker process and kills a worker
that overruns, which stops any hang, C code included.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_AGAIN = 0.01  # seconds: the retry of an alarm that fell inside a finalizer


class TimeLimitExceeded(BaseException):
    """Raised inside the pipeline when the alarm fires; a BaseException so that no ``except Exception`` eats it."""


def can_interrupt() -> bool:
    """Whether this thread's work can be stopped by a time limit (always on CPython; by a signal elsewhere)."""
    return _by_signal() or sys.implementation.name == "cpython"


def _by_signal() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitExceeded in the block after ``seconds``; no limit for None.

    An alarm the caller had set is restored afterwards, with the time it had left. Off the main
    thread the limit holds too (:func:`_thread_limit`); only where neither way exists (not CPython,
    off the main thread) is there none, which :func:`can_interrupt` tells.
    """
    if not seconds or seconds <= 0:
        yield
        return
    if not _by_signal():
        with _thread_limit(seconds) if can_interrupt() else _no_limit():
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


@contextmanager
def _no_limit() -> Iterator[None]:
    yield


@contextmanager
def _thread_limit(seconds: float) -> Iterator[None]:
    """TimeLimitExceeded raised in this thread by a timer thread after ``seconds``, unless the block ended first.

    The lock makes "fire" and "end" exclusive: once the block has ended, the timer raises nothing;
    an exception it raised before is seen by this thread before it leaves the block.
    """
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"ended": False}

    def fire() -> None:
        with lock:
            if not state["ended"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(TimeLimitExceeded))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["ended"] = True


def _in_finalizer(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False
