"""Worker processes that never outlive the run.

Workers ignore Ctrl-C (the parent decides), exit on their own within a fraction of a second when
the parent is gone (even killed by SIGKILL), and are terminated at once when the parent is
interrupted or a task fails. Signals that arrive while workers are forked are held back and
delivered afterwards. Used by the Monte Carlo runner and by `itsim verify`.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

#: Signals the parent holds back while it starts workers (see `_signals_deferred`).
_START_SIGNALS = {
    signal.SIGINT,
    signal.SIGTERM,
    *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else []),
}
#: How often a worker checks that its parent is still there (seconds).
PARENT_POLL_SECONDS = 0.2


def _sigmask(how: int, signals: set) -> set:
    """Block, unblock or set this thread's signal mask where the platform has one."""
    return signal.pthread_sigmask(how, signals) if hasattr(signal, "pthread_sigmask") else set()


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back while worker processes are forked, then deliver them.

    Arriving during a fork, such a signal would raise inside Python's at-fork hooks, which print
    and drop the exception (the run would go on), or reach a new worker before it has set its
    own handlers (it inherits the parent's, which raise). Workers start with the signals blocked;
    the parent records what arrives and raises it again once the workers are started.
    """
    if threading.current_thread() is not threading.main_thread():  # handlers: main thread only
        yield
        return
    caught: list[int] = []

    def record(signum: int, frame: object) -> None:
        caught.append(signum)

    previous = {sig: signal.signal(sig, record) for sig in _START_SIGNALS}
    blocked = _sigmask(getattr(signal, "SIG_BLOCK", 0), _START_SIGNALS)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        _sigmask(getattr(signal, "SIG_SETMASK", 2), blocked)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def _parent_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a process of another user took the pid
        return True
    return True


def _watch_parent(parent: int) -> None:
    """Exit this worker at once when its parent is gone, however it ended (even SIGKILL)."""
    creator = os.getppid()  # the parent, or the fork server that started this worker

    def watch() -> None:
        while os.getppid() == creator and _parent_alive(parent):
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="itsim-parent-watch", daemon=True).start()


def _start_worker(parent: int, initializer: Callable[..., None], initargs: tuple) -> None:
    """Worker set-up: Ctrl-C is the parent's to handle, SIGTERM ends the worker quietly (not
    the parent's handler, which raises), and the worker follows its parent out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _sigmask(getattr(signal, "SIG_UNBLOCK", 1), _START_SIGNALS)
    _watch_parent(parent)
    initializer(*initargs)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what is pending and end the running workers now, without waiting for them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    results = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(1.0)
        if process.exitcode is None:  # pragma: no cover - SIGTERM is not ignored by workers
            process.kill()
            process.join(1.0)
    if manager is not None:
        manager.join(1.0)
        writer = getattr(results, "_writer", None)
        if manager.is_alive() and writer is not None:  # pragma: no cover - rare race
            # a worker died halfway through sending a result: our end of the pipe is the last
            # writer, and closing it ends the half message so the pool's thread can finish
            writer.close()
            manager.join(1.0)


@contextmanager
def worker_pool(
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple,
    fn: Callable[..., object],
    tasks: list[tuple],
) -> Iterator[dict[Future, tuple]]:
    """Submit fn(*task) of every task to `jobs` worker processes; yield {future: task}.

    Left by an exception (Ctrl-C, SIGTERM, a failed chunk) or closed early, the pool cancels
    its pending work and terminates its workers at once; otherwise it is shut down normally.
    """
    pool = ProcessPoolExecutor(
        max_workers=jobs, initializer=_start_worker, initargs=(os.getpid(), initializer, initargs)
    )
    try:
        with signals_deferred():
            futures = {pool.submit(fn, *task): task for task in tasks}
        yield futures
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)
