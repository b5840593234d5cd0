"""Workers forked from a zygote: they start with what it prepared once, answer in order, report
errors and crashes, let requests not sent yet be cancelled, carry large messages both ways, and
their CPU time counts as this process's children's (what `time` and the benchmarks report)."""

from __future__ import annotations

import os
import resource
import time

import pytest

from lambda_leak.workspace import forked
from lambda_leak.workspace.forked import BrokenWorker, Zygote

_PREPARED: list[str] = []  # in the zygote (and so in its workers): what it prepared


def _prepare() -> None:
    _PREPARED.append("imports")


def _prepare_python() -> None:
    _PREPARED.append("python")


def _prepared() -> list[str]:
    return list(_PREPARED)


def _fail() -> None:
    raise ValueError("bad input")


def _crash() -> None:
    os._exit(5)  # as a segfault in a parser would


def _echo(value):
    return value


def _burn(seconds: float) -> int:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return os.getpid()


@pytest.fixture
def workers():
    """Workers of a fresh zygote, made with `make(count)`; all shut down (and the zygote waited
    for) at the end."""
    zygote = Zygote(_prepare, _prepare_python)
    made: list = []

    def make(count: int = 1) -> list:
        made.extend(zygote.fork_worker() for _ in range(count))
        return made[-count:]

    make.zygote = zygote
    yield make
    for worker in made:
        worker.shutdown()
    zygote.close()


def test_workers_start_with_what_the_zygote_prepared_once(workers):
    workers.zygote.for_python()
    workers.zygote.for_python()
    both = workers(2)
    assert [worker.submit(_prepared).result() for worker in both] == [["imports", "python"]] * 2
    assert _PREPARED == []  # never in this process
    pids = {worker.submit(os.getpid).result() for worker in both}
    assert len(pids) == 2 and os.getpid() not in pids
    assert {worker.submit(os.getppid).result() for worker in both} == {workers.zygote.pid}


def test_python_heard_after_the_first_fork_is_left_to_the_workers(workers):
    (first,) = workers()
    workers.zygote.for_python()
    (second,) = workers()
    assert first.submit(_prepared).result() == second.submit(_prepared).result() == ["imports"]


def test_answers_come_in_order_and_errors_are_raised_here(workers):
    (worker,) = workers()
    futures = [worker.submit(_echo, n) for n in range(50)]
    failing = worker.submit(_fail)
    after = worker.submit(_echo, "still serving")
    assert [future.result() for future in futures] == list(range(50))
    with pytest.raises(ValueError, match="bad input"):
        failing.result()
    assert after.result() == "still serving"


def test_large_requests_and_answers_do_not_hold_each_other_up(workers):
    (worker,) = workers()
    big = "x" * (8 << 20)  # far beyond a socket's buffers, several on their way in both directions
    futures = [worker.submit(_echo, big + str(n)) for n in range(4)]
    assert [future.result(timeout=60)[-1] for future in futures] == ["0", "1", "2", "3"]


def test_a_crash_fails_what_was_asked_and_what_waited(workers):
    (worker,) = workers()
    crash = worker.submit(_crash)
    waiting = [worker.submit(_echo, n) for n in range(3)]
    for future in (crash, *waiting):
        with pytest.raises(BrokenWorker):
            future.result(timeout=30)
    with pytest.raises(BrokenWorker):
        worker.submit(_echo, 1).result(timeout=30)


def test_requests_not_sent_yet_can_be_cancelled(workers):
    (worker,) = workers()
    worker.submit(time.sleep, 2.0)  # long beside the pause below, even on a loaded machine
    futures = [worker.submit(_echo, n) for n in range(6)]
    time.sleep(0.2)
    cancelled = [future.cancel() for future in futures]
    assert cancelled.count(False) <= forked.IN_FLIGHT - 1  # one waits beside the sleep; the rest had not left
    assert cancelled[-1]
    assert [f.result() for f, c in zip(futures, cancelled) if not c] == [n for n, c in enumerate(cancelled) if not c]


def test_after_shutdown_the_workers_and_the_zygote_are_gone_and_their_cpu_counted():
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    zygote = Zygote(_prepare, _prepare_python)
    worker = zygote.fork_worker()
    pid = worker.submit(_burn, 0.3).result()
    worker.shutdown()
    with pytest.raises(RuntimeError):
        worker.submit(_echo, 1)
    zygote.close()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime >= 0.25
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped by the zygote, itself reaped here
    with pytest.raises(ChildProcessError):
        os.waitpid(zygote.pid, os.WNOHANG)


class _NeedsTwo(Exception):
    def __init__(self, first, second):
        super().__init__(first)  # pickled with one argument: it cannot be read back


def _unreadable_answer():
    raise _NeedsTwo("a", "b")


def _broken_builtins() -> None:
    raise RuntimeError("no builtins here")


def test_an_answer_that_cannot_be_read_fails_its_future_and_the_rest_instead_of_hanging(workers):
    (worker,) = workers()
    unreadable = worker.submit(_unreadable_answer)
    after = worker.submit(_echo, 1)
    for future in (unreadable, after):
        with pytest.raises(BrokenWorker):
            future.result(timeout=30)


def test_shutdown_without_cancelling_finishes_what_was_given_then_ends(workers):
    (worker,) = workers()
    worker.submit(time.sleep, 0.3)
    queued = [worker.submit(_echo, n) for n in range(4)]
    assert queued[-1].cancel()  # behind the two on their way
    worker.shutdown(wait=False)
    assert [future.result(timeout=30) for future in queued[:-1]] == [0, 1, 2]
    workers.zygote.close()  # returns: the worker has ended


def test_a_zygote_whose_python_preparation_fails_still_forks_workers():
    zygote = Zygote(_prepare, _broken_builtins)
    zygote.for_python()
    worker = zygote.fork_worker()
    try:
        assert worker.submit(_prepared).result(timeout=30) == ["imports"]
    finally:
        worker.shutdown()
        zygote.close()
