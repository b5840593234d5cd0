"""The server reads a piped stdin on its event loop (lsp/stdio.py); anything else goes through
pygls' own reader. The end-to-end sessions (pipes) cover the first path; these tests cover the
choice, the reader's edge cases, and a server whose stdin is a plain file."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys

from lambda_leak.lsp.stdio import PipeReader, readable_on_loop


def _message(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_only_a_pipe_or_socket_of_its_own_is_read_on_the_loop(tmp_path):
    read_end, unused = os.pipe()  # the editor's two pipes: one to the server, one back
    os.close(unused)
    unused, write_end = os.pipe()
    os.close(unused)
    plain = tmp_path / "messages"
    plain.write_bytes(b"")
    left, right = socket.socketpair()
    with os.fdopen(read_end, "rb") as stdin, os.fdopen(write_end, "wb") as stdout, plain.open("rb") as file:
        assert readable_on_loop(stdin, stdout)
        assert not readable_on_loop(file, stdout)  # a regular file: the pipe transport refuses it
        with left.makefile("rb") as both_in, left.makefile("wb") as both_out:
            assert not readable_on_loop(both_in, both_out)  # one socket for both directions
        with left.makefile("rb") as socket_in:
            assert readable_on_loop(socket_in, stdout)
    left.close()
    right.close()


def test_the_reader_returns_lines_and_bodies_split_across_writes():
    async def scenario() -> list[bytes]:
        read_end, write_end = os.pipe()
        with os.fdopen(read_end, "rb", buffering=0) as stdin:
            reader = PipeReader(stdin)
            os.write(write_end, b"Content-Length: 7\r\n\r\n{\"a\"")
            header = await reader.readline()
            blank = await reader.readline()
            asyncio.get_running_loop().call_later(0.05, os.write, write_end, b":1}")
            body = await reader.readexactly(7)
            os.write(write_end, b"{\"b")
            os.close(write_end)  # the client goes away mid-message
            partial = await reader.readexactly(7)
            end = await reader.readline()
        return [header, blank, body, partial, end]

    assert asyncio.run(scenario()) == [b"Content-Length: 7\r\n", b"\r\n", b"{\"a\":1}", b"{\"b", b""]


def test_a_server_reading_a_file_answers_through_pygls_reader(tmp_path):
    messages = tmp_path / "session"
    messages.write_bytes(
        _message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        + _message({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        + _message({"jsonrpc": "2.0", "method": "exit"})
    )
    with messages.open("rb") as stdin:
        done = subprocess.run([sys.executable, "-m", "lambda_leak", "server"], stdin=stdin, capture_output=True,
                              timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert b'"id": 1' in done.stdout and b'"capabilities"' in done.stdout
    assert b'"id": 2' in done.stdout
