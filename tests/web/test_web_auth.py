"""`serve --auth`: login file and environment variable parsing."""
from __future__ import annotations

import pytest

from assistant.web.auth import AuthError, load_auth, parse_credentials
from assistant.web.server import is_loopback


def test_file_of_user_password_lines(tmp_path):
    f = tmp_path / "users"
    f.write_text("# managers\nalice:s3cret\n\n bob : pa:ss:word \n")
    warnings = []
    # Spaces around a password are part of it, as typed, and said so (they were once dropped silently).
    assert load_auth(str(f), warnings) == [("alice", "s3cret"), ("bob", " pa:ss:word ")]
    assert any("line 4" in w and "space is part of the password" in w for w in warnings), warnings
    assert not any("s3cret" in w or "pa:ss" in w for w in warnings)


def test_env_variable(monkeypatch):
    monkeypatch.setenv("IA_LOGIN", "carol:pw")
    assert load_auth("env:IA_LOGIN") == [("carol", "pw")]
    monkeypatch.delenv("IA_LOGIN")
    with pytest.raises(AuthError, match="IA_LOGIN is not set"):
        load_auth("env:IA_LOGIN")


def test_no_auth_when_not_asked():
    assert load_auth(None) is None and load_auth("") is None


@pytest.mark.parametrize("text", ["nocolon", ":nouser", "user:"])
def test_malformed_entries_are_refused_without_echoing_secrets(text):
    with pytest.raises(AuthError) as err:
        parse_credentials(text + "\nok:hunter2", "users")
    assert "hunter2" not in str(err.value)


def test_a_file_without_entries_is_refused(tmp_path):
    (tmp_path / "users").write_text("# nobody yet\n\n")
    with pytest.raises(AuthError, match="no user:password entries"):
        load_auth(str(tmp_path / "users"))


def test_missing_file(tmp_path):
    with pytest.raises(AuthError, match="not found"):
        load_auth(str(tmp_path / "nope"))


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


def test_hashed_entries_from_the_cli_log_in_and_plain_ones_are_warned_about(tmp_path):
    import asyncio

    from click.testing import CliRunner

    from assistant.cli import cli
    from assistant.web.auth import check_password, login_checker

    result = CliRunner().invoke(cli, ["hash-password", "alice"], input="s3cret word \ns3cret word \n")
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("alice:scrypt$") and "s3cret" not in line
    (tmp_path / "users").write_text(line + "\nbob:plain\n")
    warnings = []
    pairs = load_auth(str(tmp_path / "users"), warnings)
    assert [w for w in warnings if "plain-text password for bob" in w] and len(warnings) == 1
    assert check_password(pairs[0][1], "s3cret word ") and not check_password(pairs[0][1], "s3cret word")
    check = login_checker(pairs, delay=0)
    assert asyncio.run(check("alice", "s3cret word ")) and asyncio.run(check("bob", "plain"))
    assert not asyncio.run(check("alice", "wrong"))
    with pytest.raises(AuthError, match="line 1: a scrypt"):
        parse_credentials("carol:scrypt$broken", "users")


def test_wrong_passwords_wait_and_then_lock_the_name():
    import asyncio
    import time

    from assistant.web.auth import login_checker

    check = login_checker([("alice", "s3cret")], delay=0.2, max_failures=3, lockout=60)

    async def attempts():
        started = time.perf_counter()
        wrong = [await check("alice", f"guess{i}") for i in range(3)]
        return wrong, time.perf_counter() - started, await check("alice", "s3cret")

    wrong, seconds, after_lock = asyncio.run(attempts())
    assert wrong == [False] * 3 and seconds >= 0.6  # 40 tries in 1.4 s are no longer possible
    assert after_lock is False  # locked: even the right password, so a guesser learns nothing
    fresh = login_checker([("alice", "s3cret")], delay=0.2, max_failures=3, lockout=60)
    assert asyncio.run(fresh("alice", "s3cret"))
