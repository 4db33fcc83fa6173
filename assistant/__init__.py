"""Inspection Assistant: cited, offline answers over Ofsted children's services inspection reports."""
from __future__ import annotations

__all__ = ["Assistant"]


def __getattr__(name: str):
    # Lazy, so `import assistant` (and the CLI's --help) does not pay for the whole stack.
    if name == "Assistant":
        from assistant.api import Assistant

        return Assistant
    raise AttributeError(name)
