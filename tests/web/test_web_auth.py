"""`serve --auth`: login file and environment variable parsing."""
from __future__ import annotations

import pytest

from assistant.web.auth import AuthError, load_auth, parse_credentials
from assistant.web.server import is_loopback


def test_file_of_user_password_lines(tmp_path):
    f = tmp_path / "users"
    f.write_text("# managers\nalice:s3cret\n\n bob : pa:ss:word \n")
    assert load_auth(str(f)) == [("alice", "s3cret"), ("bob", " pa:ss:word")]


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
