from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.reliability.clients import API_KEY_VAR
from tests.reliability.fault_server import Faults, FaultServer

Serve = Callable[..., FaultServer]


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Serve]:
    """Start fault servers for one test (``serve(Faults(...))``); all stop when it ends."""
    monkeypatch.setenv(API_KEY_VAR, "reliability-tests")
    servers: list[FaultServer] = []

    def start(faults: Faults, **bounds: Any) -> FaultServer:
        servers.append(FaultServer(faults, **bounds).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
