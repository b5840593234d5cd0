"""The client's messages read on the event loop itself, when stdin is a pipe or a socket.

pygls reads stdin through its thread pool: a message takes three thread round trips (two header
lines, then the body), each a wake-up that a busy machine may delay by milliseconds before the
`didChange` is even seen. asyncio's pipe transport reads the same bytes in the loop with no
thread. Anything else (a terminal, a file, Windows, stdin sharing its file with stdout, which the
transport would make non-blocking) keeps pygls' reader.
"""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from typing import BinaryIO


class PipeReader:
    """pygls' `AsyncReader` (`readline`, `readexactly`) over an asyncio stream of `stdin`."""

    def __init__(self, stdin: BinaryIO) -> None:
        self.stdin = stdin
        self._stream: asyncio.StreamReader | None = None

    async def _connected(self) -> asyncio.StreamReader:
        if self._stream is None:
            stream = asyncio.StreamReader(limit=2**20)  # a header line is short; bodies are read by length
            loop = asyncio.get_running_loop()
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), self.stdin)
            self._stream = stream
        return self._stream

    async def readline(self) -> bytes:
        # A stream answers from its buffer without giving the loop a turn: yield one here, so that
        # what a message started (an async handler, such as `didClose` publishing its empty
        # diagnostics) runs before the next message is handled, as with pygls' reader.
        await asyncio.sleep(0)
        return await (await self._connected()).readline()

    async def readexactly(self, n: int) -> bytes:
        try:
            return await (await self._connected()).readexactly(n)
        except asyncio.IncompleteReadError as error:  # the client went away mid-message: as pygls' reader does
            return error.partial


def readable_on_loop(stdin: BinaryIO, stdout: BinaryIO) -> bool:
    """Can `stdin` be read by asyncio's pipe transport without touching `stdout`?"""
    if sys.platform == "win32":
        return False
    try:
        mode = os.fstat(stdin.fileno())
        out = os.fstat(stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    if (mode.st_dev, mode.st_ino) == (out.st_dev, out.st_ino):
        return False  # one socket for both: making it non-blocking would break blocking writes
    return stat.S_ISFIFO(mode.st_mode) or stat.S_ISSOCK(mode.st_mode)
