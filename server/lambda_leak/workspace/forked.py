"""Worker processes forked from a prepared process, the "zygote".

`check` of a folder forks the zygote before its walk (and ends it if the walk finds too few files
for several cores); it forks the workers once the walk has found enough. The zygote
imports the analysers (and, told the run has Python files, builds astroid's builtins) on the second
core while the walk goes on on the first, then forks each worker the check asks for: every worker
starts with both, paid once, and the walk never stops for them (as it did when the check imported
before forking its workers itself).

A worker serves requests (a function and its arguments, pickled; functions by name) over its own
socket, in order. `ForkedWorker` is its end in the check: `submit` returns a `Future`, like a
one-process `ProcessPoolExecutor`; at most two requests are on their way at once, so the ones
behind them can still be cancelled (`parallel._gather` moves those to an idle worker).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import socket
import struct
import threading
from collections import deque
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import wait as futures_wait
from typing import Callable

IN_FLIGHT = 2  # requests sent and not answered: one running, the next ready to start
_LENGTH = struct.Struct("!Q")


class BrokenWorker(RuntimeError):
    """The worker process ended (crashed, killed) before it answered."""


class Zygote:
    """The prepared process. `prepare` runs first in it; `prepare_python` when `for_python()` is
    heard before the first worker is forked (after that, each worker does it itself if asked)."""

    def __init__(self, prepare: Callable[[], None], prepare_python: Callable[[], None]) -> None:
        """OSError where this cannot be (macOS has no SOCK_SEQPACKET socket pairs; fork may fail)."""
        # message boundaries kept: a fork request and its socket arrive together
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.pid = os.fork()
        except OSError:
            ours.close()
            theirs.close()
            raise
        if self.pid == 0:  # the zygote
            status = 0
            try:
                ours.close()
                _zygote(theirs, prepare, prepare_python)
            except BaseException:  # noqa: BLE001 - a zygote that fails forks nothing: the check's requests fail, it goes on alone
                status = 1
            finally:
                os._exit(status)  # never back into the caller's stack (it is the check's copy)
        theirs.close()
        self._socket = ours
        self._python = False

    def for_python(self) -> None:
        """OSError when the zygote is gone."""
        if not self._python:
            self._python = True
            self._socket.send(b"P")

    def fork_worker(self) -> ForkedWorker:
        """A new worker; OSError when the zygote is gone."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            socket.send_fds(self._socket, [b"F"], [theirs.fileno()])
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        return ForkedWorker(ours)

    def close(self, wait: bool = True) -> None:
        """The zygote ends when it hears this, once its workers have ended (their sockets closed).
        `wait`: until then, so that this process's children's resource usage counts the workers
        (what `time` reports). Otherwise (a crew the run did not use) it is ended now: it may still
        be importing, with the check's output pipes open, which a caller reading them waits for."""
        self._socket.close()
        if not wait:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except OSError:
                pass  # gone already
        _reap(self.pid)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _zygote(requests: socket.socket, prepare: Callable[[], None], prepare_python: Callable[[], None]) -> None:
    prepare()
    workers: list[int] = []
    while True:
        message, descriptors, _, _ = socket.recv_fds(requests, 1, 1)
        if not message:  # the check has closed its end: its workers end as their sockets close
            for pid in workers:
                _reap(pid)
            return
        if message == b"P" and not workers:
            try:
                prepare_python()
            except Exception:  # noqa: BLE001 - the workers build for themselves, and report it then
                pass
        elif message == b"F" and descriptors:
            if not workers:
                gc.freeze()  # what all workers share stays out of their collections: never copied
            pid = os.fork()
            if pid == 0:
                requests.close()
                _serve(socket.socket(fileno=descriptors[0]))
                os._exit(0)
            workers.append(pid)
            os.close(descriptors[0])


def _serve(connection: socket.socket) -> None:
    """A worker: answer each request in order until the check closes its end."""
    while True:
        try:
            request = _receive_bytes(connection)
        except EOFError:
            return
        try:
            function, arguments = pickle.loads(request)
            reply = (True, function(*arguments))
        except Exception as error:  # noqa: BLE001 - the check's Future raises it
            reply = (False, error)
        try:
            data = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 - an answer that cannot travel still gets one
            data = pickle.dumps((False, RuntimeError(f"cannot send the answer back: {error!r}")))
        _send(connection, data)


def _send(connection: socket.socket, data: bytes) -> None:
    connection.sendall(_LENGTH.pack(len(data)))
    connection.sendall(data)


def _receive_bytes(connection: socket.socket) -> bytearray:
    (size,) = _LENGTH.unpack(_exactly(connection, _LENGTH.size))
    return _exactly(connection, size)


def _exactly(connection: socket.socket, size: int) -> bytearray:
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        count = connection.recv_into(view[got:])
        if not count:
            raise EOFError
        got += count
    return data


class ForkedWorker:
    """The check's end of one worker. A thread sends (so that a large request waiting for the
    worker never holds up its answers) and one receives."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._changed = threading.Condition()
        self._queued: deque[tuple[Future, tuple]] = deque()  # not sent yet: can be cancelled
        self._sent: deque[Future] = deque()  # answered in this order
        self._closing = False  # shut down: nothing more is submitted
        self._closed = False  # the connection is shut
        self._broken = False  # the worker ended: nothing more is answered
        for loop in (self._send_loop, self._receive_loop):
            threading.Thread(target=loop, daemon=True, name="lambda-leak worker").start()

    def submit(self, function: Callable, *arguments) -> Future:
        future: Future = Future()
        with self._changed:
            if self._closing:
                raise RuntimeError("cannot submit to a worker after its shutdown")
            if self._broken:
                future.set_exception(BrokenWorker("the worker process ended"))
                return future
            self._queued.append((future, (function, arguments)))
            self._changed.notify_all()
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """As `Executor.shutdown`: the worker ends once what it was given is answered."""
        with self._changed:
            self._closing = True
            if cancel_futures:
                for future, _ in self._queued:
                    future.cancel()
                self._queued.clear()
            self._changed.notify_all()
            waiting = [*self._sent, *(future for future, _ in self._queued)]
        if wait:
            futures_wait(waiting)
        self._close_if_done()

    def _send_loop(self) -> None:
        while True:
            with self._changed:
                while not self._broken and not (self._queued and len(self._sent) < IN_FLIGHT):
                    if self._closing and not self._queued:
                        break
                    self._changed.wait()
                if self._broken:
                    return
                if not self._queued:  # shut down, and all sent
                    break
                future, request = self._queued.popleft()
                if not future.set_running_or_notify_cancel():
                    continue
                self._sent.append(future)  # before it is sent: the answer may come at once
            try:
                data = pickle.dumps(request, pickle.HIGHEST_PROTOCOL)
            except Exception as error:  # noqa: BLE001 - this request fails; the worker goes on
                with self._changed:
                    if future in self._sent:  # (not when the worker broke meanwhile: failed there)
                        self._sent.remove(future)
                        future.set_exception(error)
                self._close_if_done()
                continue
            try:
                _send(self._connection, data)
            except OSError:
                self._break()
                return
        self._close_if_done()

    def _receive_loop(self) -> None:
        while True:
            try:
                succeeded, value = pickle.loads(_receive_bytes(self._connection))
            except Exception:  # noqa: BLE001 - ended, or an answer that cannot be read: every future fails
                self._break()
                return
            with self._changed:
                future = self._sent.popleft() if self._sent else None
                self._changed.notify_all()
            if future is None:  # an answer to nothing asked: not a worker to trust any more
                self._break()
                return
            if succeeded:
                future.set_result(value)
            else:
                future.set_exception(value)
            self._close_if_done()

    def _close_if_done(self) -> None:
        with self._changed:
            done = self._closing and not self._queued and not self._sent and not self._closed
            self._closed = self._closed or done
        if done:
            try:
                self._connection.shutdown(socket.SHUT_RDWR)  # the worker hears the end; our loops leave
            except OSError:
                pass  # the worker has gone already

    def _break(self) -> None:
        with self._changed:
            if self._broken:
                return
            self._broken = True
            unanswered = [*self._sent, *(future for future, _ in self._queued)]
            self._sent.clear()
            self._queued.clear()
            self._changed.notify_all()
        for future in unanswered:
            try:
                future.set_exception(BrokenWorker("the worker process ended before it answered"))
            except InvalidStateError:
                pass  # cancelled meanwhile
        self._connection.close()
