"""Helpers for the chat page's tests: start the real server on a free loopback port."""
from __future__ import annotations

import socket
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_page(page, **launch):
    """Launch a ChatPage in this process on a free loopback port; returns its URL."""
    port = free_port()
    page.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch)
    return f"http://127.0.0.1:{port}/"


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
