"""End-to-end fixtures: the real `lambda-leak server` over stdio with VS Code's and Neovim's
client capabilities (helpers in `lsp_session.py`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_session import CLIENTS, SERVER, Session, initialize_params, make_client


async def _start(lsp_client: LanguageClient, client_name: str, root: Path, node) -> None:
    marker = node.get_closest_marker("init_options")
    options = marker.args[0] if marker else None
    config = node.get_closest_marker("client_configuration")
    if config:
        lsp_client.set_configuration(config.args[0])
    result = await lsp_client.initialize_session(initialize_params(client_name, root, options))
    encoding = result.capabilities.position_encoding
    lsp_client.root = root
    lsp_client.encoding = getattr(encoding, "value", encoding) or "utf-16"
    lsp_client.pull = lsp_client.capabilities.text_document.diagnostic is not None


_CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)


# One server per test module and client: tests work in folders of their own (see `editor`).
@pytest_lsp.fixture(scope="module", params=CLIENTS, config=_CONFIG)
async def client(lsp_client: LanguageClient, request, tmp_path_factory):
    await _start(lsp_client, request.param, tmp_path_factory.mktemp("workspace"), request.node)
    yield
    await lsp_client.shutdown_session()


# A server of its own, for tests that set initializationOptions, settings, or watch startup.
@pytest_lsp.fixture(params=CLIENTS, config=_CONFIG, loop_scope="module")
async def fresh_client(lsp_client: LanguageClient, request, tmp_path):
    await _start(lsp_client, request.param, tmp_path, request.node)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client, request) -> Session:
    folder = client.root / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir()
    return Session(client, folder, client.encoding, client.pull)


@pytest.fixture
def fresh_editor(fresh_client) -> Session:
    return Session(fresh_client, fresh_client.root, fresh_client.encoding, fresh_client.pull)


def pytest_configure(config):
    config.addinivalue_line("markers", "init_options(value): initializationOptions sent by the test client (fresh_client)")
    config.addinivalue_line("markers", "client_configuration(value): what the client answers to workspace/configuration (fresh_client)")
