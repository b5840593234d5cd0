"""Reading the client's messages from a stdin pipe with the event loop itself.

pygls reads stdin through `run_in_executor`: each header line and each body is a trip to a
worker thread and back, three per message, and the thread comes from the pool the server also
indexes with, so a busy index could hold up typing. On a pipe (how editors start a language
server) the loop can read stdin directly; anything else (a file, a terminal, stdin shared
with stdout) keeps pygls' reader.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import sys
import threading

from pygls.io_ import StdoutWriter, run_async

log = logging.getLogger(__name__)


def stdin_is_pipe() -> bool:
    """A FIFO has a read end of its own: making it non-blocking cannot affect stdout."""
    try:
        return stat.S_ISFIFO(os.fstat(sys.stdin.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


class _PipeReader:
    """pygls' reader interface (`readline`, `readexactly`) over an `asyncio.StreamReader`; a
    stream cut short mid-message reads as its end, as pygls' own reader does."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.stream = stream

    async def readline(self) -> bytes:
        return await self.stream.readline()

    async def readexactly(self, count: int) -> bytes:
        try:
            return await self.stream.readexactly(count)
        except asyncio.IncompleteReadError:
            return b""


async def _serve(server, stop: threading.Event) -> None:
    loop = asyncio.get_running_loop()
    stream = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), sys.stdin.buffer)
    await run_async(stop_event=stop, reader=_PipeReader(stream), protocol=server.protocol,
                    error_handler=server.report_server_error)


def serve_pipe(server) -> None:
    """`server.start_io()`, reading stdin on the event loop (the caller checked `stdin_is_pipe`)."""
    server._stop_event = stop = threading.Event()
    server.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    try:
        asyncio.run(_serve(server, stop))
    except BrokenPipeError:
        log.error("the connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass  # `exit` from the client ends the loop this way, as in pygls
    finally:
        server.shutdown()
