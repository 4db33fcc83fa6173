"""`--auth`: a file of `user:password` lines, or `env:VARNAME` holding `user:password`.

The password may be a hash written by `ofsted-assistant hash-password` (`scrypt$...`, the standard library's
hashlib.scrypt); plain passwords still work but are warned about. Errors name the line but never echo a
password.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

# scrypt cost: 16 MiB and about 50 ms a check, OWASP's minimum for scrypt.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1


class AuthError(ValueError):
    pass


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def is_hashed(stored: str) -> bool:
    return stored.startswith("scrypt$")


def check_password(stored: str, password: str) -> bool:
    if not is_hashed(stored):
        return hmac.compare_digest(stored.encode(), password.encode())
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected), maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def parse_credentials(text: str, where: str, warnings: list[str] | None = None) -> list[tuple[str, str]]:
    """`warnings` collects one line per entry with a plain password or one starting or ending in a space
    (kept as typed: dropping it silently locked people out, or let a shorter password in)."""
    pairs: list[tuple[str, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        user, sep, password = line.partition(":")  # passwords may themselves contain ':'
        user = user.strip()
        if not sep or not user or not password:
            raise AuthError(f"{where}, line {n}: expected user:password")
        if is_hashed(password) and len(password.split("$")) != 6:
            raise AuthError(f"{where}, line {n}: a scrypt$ entry that `ofsted-assistant hash-password` did not write")
        pairs.append((user, password))
        if warnings is not None and not is_hashed(password):
            warnings.append(f"{where}, line {n}: plain-text password for {user}; replace it with the line "
                            "`ofsted-assistant hash-password` prints")
            if password != password.strip():
                warnings.append(f"{where}, line {n}: the password for {user} starts or ends with a space; "
                                "the space is part of the password")
    if not pairs:
        raise AuthError(f"{where}: no user:password entries")
    return pairs


def load_auth(spec: str | None, warnings: list[str] | None = None) -> list[tuple[str, str]] | None:
    """None when no login is wanted; otherwise the (user, password or hash) pairs for `login_checker`."""
    if not spec:
        return None
    if spec.startswith("env:"):
        name = spec[4:]
        value = os.environ.get(name)
        if not name or value is None:
            raise AuthError(f"environment variable {name or '(empty name)'} is not set")
        # One user:password; further users on further lines (commas would clash with passwords).
        return parse_credentials(value, f"${name}", warnings)
    path = Path(spec)
    if not path.is_file():
        raise AuthError(f"auth file not found: {spec} (give a file of user:password lines, or env:VARNAME)")
    return parse_credentials(path.read_text(encoding="utf-8"), path.name, warnings)


def login_checker(pairs: list[tuple[str, str]], delay: float = 1.0, max_failures: int = 5,
                  lockout: float = 300.0):
    """Gradio's `auth` callable: hashed or plain entries; every wrong password waits `delay` seconds, and
    `max_failures` wrong ones in a row lock that user name for `lockout` seconds (the right password
    included, so a locked account tells a guesser nothing). Async, so waiting never blocks other users."""
    users = dict(pairs)
    dummy = hash_password(secrets.token_hex(8))
    failures: dict[str, tuple[int, float]] = {}  # user -> (failures in a row, when the last one was)
    lock = threading.Lock()

    async def check(username: str, password: str) -> bool:
        now = time.monotonic()
        with lock:
            count, last = failures.get(username, (0, 0.0))
            if count and now - last > lockout:
                count = 0
            locked = count >= max_failures
        stored = users.get(username)
        if stored is None:
            # An unknown name costs the same hash as a known one, so timing does not say which names exist.
            await asyncio.to_thread(check_password, dummy, password)
            ok = False
        else:
            ok = not locked and await asyncio.to_thread(check_password, stored, password)
        if ok:
            with lock:
                failures.pop(username, None)
            return True
        with lock:
            count, last = failures.get(username, (0, 0.0))
            count = 1 if count and now - last > lockout else count + 1
            failures[username] = (count, now)
            if len(failures) > 10_000:  # names are attacker-chosen: forget the oldest
                for key in sorted(failures, key=lambda k: failures[k][1])[:5_000]:
                    del failures[key]
        if count == max_failures:
            log.warning("login: %d wrong passwords in a row for one user name; locked for %.0f s", count, lockout)
        await asyncio.sleep(delay)
        return False

    return check

