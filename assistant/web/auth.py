"""`--auth`: a file of `user:password` lines, or `env:VARNAME` holding `user:password`.

Errors name the line but never echo a password.
"""
from __future__ import annotations

import os
from pathlib import Path


class AuthError(ValueError):
    pass


def parse_credentials(text: str, where: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")  # passwords may themselves contain ':'
        user = user.strip()
        if not sep or not user or not password:
            raise AuthError(f"{where}, line {n}: expected user:password")
        pairs.append((user, password))
    if not pairs:
        raise AuthError(f"{where}: no user:password entries")
    return pairs


def load_auth(spec: str | None) -> list[tuple[str, str]] | None:
    """None when no login is wanted; otherwise the (user, password) pairs Gradio's auth takes."""
    if not spec:
        return None
    if spec.startswith("env:"):
        name = spec[4:]
        value = os.environ.get(name)
        if not name or value is None:
            raise AuthError(f"environment variable {name or '(empty name)'} is not set")
        # One user:password; further users on further lines (commas would clash with passwords).
        return parse_credentials(value, f"${name}")
    path = Path(spec)
    if not path.is_file():
        raise AuthError(f"auth file not found: {spec} (give a file of user:password lines, or env:VARNAME)")
    return parse_credentials(path.read_text(encoding="utf-8"), path.name)
