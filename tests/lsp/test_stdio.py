"""The server's stdin: read on the event loop when it is a pipe (as editors start it), through
pygls' reader otherwise (a file here). Both run the real server process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


SESSION = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
    {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {  # a 2.6 MB body
        "uri": "file:///tmp/stdio-test/generated.js", "languageId": "javascript", "version": 1,
        "text": "// generated\n" * 200_000}}},
    {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///tmp/stdio-test/handler.js", "languageId": "javascript", "version": 1,
        "text": "exports.handler = async (event) => {\n  save(event);\n};\nasync function save(e) {}\n"}}},
    {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
    {"jsonrpc": "2.0", "method": "exit"},
]


def responses(output: bytes) -> list[dict]:
    messages = []
    while output:
        header, _, rest = output.partition(b"\r\n\r\n")
        length = int(header.split(b"\r\n")[0].split(b":")[1])
        messages.append(json.loads(rest[:length]))
        output = rest[length:]
    return messages


def server(stdin) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lambda_leak", "server"], stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def answered(messages: list[dict]) -> dict:
    return {m["id"]: m for m in messages if "id" in m and "method" not in m}


def test_a_session_from_a_file_on_stdin(tmp_path):
    script = tmp_path / "session.bin"
    script.write_bytes(b"".join(frame(m) for m in SESSION))
    with script.open("rb") as stdin:
        process = server(stdin)
        out, err = process.communicate(timeout=60)
    replies = answered(responses(out))
    assert replies[1]["result"]["capabilities"]["textDocumentSync"], err.decode()
    assert replies[2]["result"] is None
    assert process.returncode == 0


def read_message(stream) -> dict:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def test_a_pipe_read_in_pieces():
    """Messages split anywhere (inside a header, inside a body) and a body larger than twice the
    stream's line limit (2.6 MB) reach the server whole; it answers them, then exits on `exit`."""
    process = server(subprocess.PIPE)
    data = b"".join(frame(m) for m in SESSION[:4])
    start = 0
    for cut in (7, 30, 200, 90_000, 2_000_000, len(data)):
        process.stdin.write(data[start:cut])
        process.stdin.flush()
        start = cut
        time.sleep(0.05)
    seen = []
    while not any(m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"].endswith("handler.js")
                  for m in seen):
        seen.append(read_message(process.stdout))
    assert answered(seen)[1]["result"]["capabilities"]["textDocumentSync"]
    published = next(m for m in seen if m.get("method") == "textDocument/publishDiagnostics"
                     and m["params"]["uri"].endswith("handler.js"))
    assert [d["code"] for d in published["params"]["diagnostics"]] == ["floating-promise"]
    out, err = process.communicate(b"".join(frame(m) for m in SESSION[4:]), timeout=60)
    assert answered(responses(out))[2]["result"] is None, err.decode()
    assert process.returncode == 0


@pytest.mark.parametrize("cut", [5, 25, 60])
def test_a_pipe_closed_mid_message(cut):
    """A client that dies mid-message: the server stops cleanly instead of waiting forever."""
    process = server(subprocess.PIPE)
    out, err = process.communicate(frame(SESSION[0])[:cut], timeout=60)
    assert process.returncode == 0, err.decode()
    assert b"Traceback" not in err


def test_a_header_line_over_the_limit_is_skipped():
    """A line of 1.5 MB before a message's headers costs that line, not the server."""
    process = server(subprocess.PIPE)
    out, err = process.communicate(b"X" * 1_500_000 + b"\r\n" + b"".join(frame(m) for m in (SESSION[0], *SESSION[4:])),
                                   timeout=60)
    replies = answered(responses(out))
    assert replies[1]["result"]["capabilities"]["textDocumentSync"] and replies[2]["result"] is None, err.decode()
    assert b"skipped a header line" in err and process.returncode == 0


PROBE = "from lambda_leak.lsp.stdio import loop_can_read_stdin; print(loop_can_read_stdin(), flush=True)"


def answer(stdin) -> str:
    """What `loop_can_read_stdin` says in a process with this stdin (and a pipe for stdout)."""
    return subprocess.run([sys.executable, "-c", PROBE], stdin=stdin, capture_output=True, text=True,
                          check=True, timeout=60).stdout.strip()


def test_which_stdin_the_event_loop_reads(tmp_path):
    """A pipe, or a socket of its own (how VS Code and Neovim start the server): yes. A file, or one
    socket for both stdin and stdout (non-blocking reads would make writes fail): no."""
    read, write = os.pipe()
    assert answer(read) == "True"
    os.close(read), os.close(write)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        assert answer(theirs.fileno()) == "True"
    (tmp_path / "in.txt").write_text("")
    with (tmp_path / "in.txt").open("rb") as stdin:
        assert answer(stdin) == "False"
    ours, theirs = socket.socketpair()
    with ours, theirs:
        subprocess.run([sys.executable, "-c", PROBE], stdin=theirs.fileno(), stdout=theirs.fileno(), check=True,
                       timeout=60)
        assert ours.recv(100).decode().strip() == "False"


def test_a_session_over_a_socket_on_stdin():
    """How VS Code (Node) and Neovim (libuv) start the server: stdin is a socket of its own."""
    ours, theirs = socket.socketpair()
    with ours:
        process = server(theirs.fileno())
        theirs.close()
        ours.sendall(b"".join(frame(m) for m in (SESSION[0], *SESSION[4:])))
        ours.shutdown(socket.SHUT_WR)
        out, err = process.communicate(timeout=60)
    replies = answered(responses(out))
    assert replies[1]["result"]["capabilities"]["textDocumentSync"] and replies[2]["result"] is None, err.decode()
    assert process.returncode == 0


@pytest.mark.parametrize("reader", ["pipe", "file"])
def test_exit_without_shutdown_exits_with_1(tmp_path, reader):
    """The LSP spec: `exit` ends the process with 0 after `shutdown`, with 1 without it (a client
    that lost track of the server), whichever reader stdin has."""
    session = b"".join(frame(m) for m in (SESSION[0], SESSION[5]))
    if reader == "pipe":
        process = server(subprocess.PIPE)
        out, err = process.communicate(session, timeout=60)
    else:
        (tmp_path / "session.bin").write_bytes(session)
        with (tmp_path / "session.bin").open("rb") as stdin:
            process = server(stdin)
            out, err = process.communicate(timeout=60)
    assert answered(responses(out))[1]["result"]["capabilities"]["textDocumentSync"], err.decode()
    assert process.returncode == 1
    assert b"Traceback" not in err


@pytest.mark.parametrize("shutdown", [True, False])
def test_the_exit_status_over_tcp(shutdown):
    """`lambda-leak server --tcp`: the same exit statuses as on stdin."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "lambda_leak", "server", "--tcp", f"127.0.0.1:{port}"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = socket.create_connection(("127.0.0.1", port), timeout=60)
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, process.stderr.read().decode()
            time.sleep(0.1)
    with connection:
        connection.sendall(b"".join(frame(m) for m in (SESSION[0], *(SESSION[4:] if shutdown else SESSION[5:]))))
        process.wait(timeout=60)
    assert process.returncode == (0 if shutdown else 1), process.stderr.read().decode()


def test_messages_in_one_read_are_handled_in_order(tmp_path):
    """`didClose` and a request in one read of the pipe: the close (whose handler is a coroutine)
    clears the document's diagnostics before the request is answered, as an editor expects."""
    handler = tmp_path / "handler.js"
    handler.write_text("exports.handler = async (event) => {\n  save(event);\n};\nasync function save(e) {}\n")
    uri = handler.as_uri()
    process = server(subprocess.PIPE)
    opened = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "javascript", "version": 1, "text": handler.read_text()}}}
    process.stdin.write(b"".join(frame(m) for m in (SESSION[0], SESSION[1], opened)))
    process.stdin.flush()
    while True:  # the leak is published first
        message = read_message(process.stdout)
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["diagnostics"]:
            break
    close = {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}}
    hover = {"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover",
             "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}}
    process.stdin.write(frame(close) + frame(hover))
    process.stdin.flush()
    seen = []
    while not any(m.get("id") == 7 for m in seen):
        seen.append(read_message(process.stdout))
    cleared = [i for i, m in enumerate(seen) if m.get("method") == "textDocument/publishDiagnostics"
               and m["params"]["uri"] == uri and m["params"]["diagnostics"] == []]
    assert cleared and cleared[0] < len(seen) - 1, seen
    out, err = process.communicate(b"".join(frame(m) for m in SESSION[4:]), timeout=60)
    assert process.returncode == 0, err.decode()
