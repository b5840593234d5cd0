"""Reading the client's messages from stdin with the event loop itself.

pygls reads stdin through `run_in_executor`: each header line and each body is a trip to a
worker thread and back, three per message, and the thread comes from the pool the server also
indexes with, so a busy index could hold up typing. Editors start a language server with a pipe
or a socket pair on each of stdin and stdout (VS Code and Neovim: sockets); on those the loop
reads stdin directly. Anything else (a file, a terminal, one socket for both, Windows, where
asyncio cannot read stdin) keeps pygls' reader.
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
LINE_LIMIT = 1 << 20  # bytes of one header line (bodies are read by their length, whatever it is)


def loop_can_read_stdin() -> bool:
    """stdin is a pipe or a socket of its own (not stdout's): making it non-blocking, as the event
    loop does, then cannot affect the writes to stdout."""
    if os.name != "posix":
        return False
    try:
        stdin, stdout = os.fstat(sys.stdin.fileno()), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    if stat.S_ISFIFO(stdin.st_mode):
        return True
    return stat.S_ISSOCK(stdin.st_mode) and (stdin.st_dev, stdin.st_ino) != (stdout.st_dev, stdout.st_ino)


class _StreamReader:
    """pygls' reader interface (`readline`, `readexactly`) over an `asyncio.StreamReader`. A body cut
    short by the end of the stream reads as that end; a header line over the stream's limit is
    skipped, like any line that is not a header (the stream drops what it read of it)."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.stream = stream

    async def readline(self) -> bytes:
        try:
            return await self.stream.readline()
        except ValueError:  # over the limit: not a header pygls could use
            log.warning("skipped a header line of over %d bytes from the client", LINE_LIMIT)
            return b"?\r\n"

    async def readexactly(self, count: int) -> bytes:
        # Messages already buffered would otherwise be handled back to back: a task the previous one
        # started (`didClose`'s handler is a coroutine) could run only after a later request had been
        # answered. One turn of the loop per message keeps them in order, as pygls' reader does.
        await asyncio.sleep(0)
        try:
            return await self.stream.readexactly(count)
        except asyncio.IncompleteReadError:
            return b""


async def _serve(server, stop: threading.Event) -> None:
    loop = asyncio.get_running_loop()
    stream = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), sys.stdin.buffer)
    await run_async(stop_event=stop, reader=_StreamReader(stream), protocol=server.protocol,
                    error_handler=server.report_server_error)


def serve_on_loop(server) -> None:
    """`server.start_io()`, reading stdin on the event loop (the caller checked `loop_can_read_stdin`)."""
    log.debug("reading stdin on the event loop")
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
