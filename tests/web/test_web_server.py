"""`ofsted-assistant serve`: options, loopback default, and a login that guards every data route."""
from __future__ import annotations

import json

import httpx
import pytest
from click.testing import CliRunner

from assistant.cli import cli
from tests.web.conftest import start_page


def test_serve_refuses_a_bad_auth_file_before_starting(tmp_path):
    (tmp_path / "users").write_text("just-a-name\n")
    result = CliRunner().invoke(cli, ["serve", "--index", str(tmp_path), "--auth", str(tmp_path / "users")])
    assert result.exit_code == 2 and "expected user:password" in result.output


def test_serve_without_an_index_says_how_to_build_one(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--index", str(tmp_path / "none"), "--corpus", str(tmp_path)])
    assert result.exit_code == 1 and "ofsted-assistant ingest" in result.output


def test_serve_binds_loopback_by_default():
    from assistant.cli import serve as serve_command

    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"


@pytest.mark.slow
def test_with_auth_every_data_route_needs_a_login(injection_index, tmp_path):
    from assistant.api import Assistant
    from assistant.web.page import ChatPage

    corpus, index = injection_index
    page = ChatPage(Assistant(index=index), corpus, stage_dir=tmp_path, stream_delay=0)
    url = start_page(page, auth=[("alice", "s3cret")])
    try:
        for path in ("config", "gradio_api/info", "gradio_api/file=/etc/passwd"):
            assert httpx.get(url + path).status_code == 401, path
        ask = {"data": ["supervision", [], "any", "any", "both", "any", "any"]}
        assert httpx.post(url + "gradio_api/call/ask", json=ask).status_code == 401
        assert httpx.post(url + "login", data={"username": "alice", "password": "wrong"}).status_code != 200
        with httpx.Client() as client:
            assert client.post(url + "login", data={"username": "alice", "password": "s3cret"}).status_code == 200
            assert client.get(url + "config").status_code == 200
    finally:
        page.blocks.close()


@pytest.mark.slow
def test_the_json_endpoint_gives_the_same_answer_as_the_library(built_index, fixture_corpus, tmp_path):
    from gradio_client import Client

    from assistant.api import Assistant
    from assistant.web.page import ChatPage

    assistant = Assistant(index=built_index[0])
    page = ChatPage(assistant, fixture_corpus, stage_dir=tmp_path, stream_delay=0)
    url = start_page(page)
    try:
        client = Client(url, verbose=False)  # the default client, which downloads anything that looks like a file
        question, filters = "What did inspectors say about supervision?", {"local_authority": ["Stoke-on-Trent"]}
        got = json.loads(client.predict(question, filters, None, api_name="/answer"))
        expected = assistant.ask(question, filters=filters).model_dump(mode="json")
        assert not got["refused"] and got["citations"]
        assert got["answer"] == expected["answer"] and got["citations"] == expected["citations"]
        assert {c["local_authority"] for c in got["citations"]} == {"Stoke-on-Trent"}
        # A follow-up keeps the council from the earlier question.
        follow = json.loads(client.predict("and what about care leavers?", None,
                                           ["What did inspectors say about supervision in Stoke?"], api_name="/answer"))
        assert {c["local_authority"] for c in follow["citations"]} == {"Stoke-on-Trent"}
        for bad, message in ((("supervision", {"year_from": "soon"}, None), "filters are not valid"),
                             (("  ", None, None), "non-empty string"),
                             (("supervision", None, "not a list"), "history must be a list")):
            with pytest.raises(Exception) as info:
                client.predict(*bad, api_name="/answer")
            assert message in str(info.value) and "Traceback" not in str(info.value)
    finally:
        page.blocks.close()
