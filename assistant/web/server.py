"""`ofsted-assistant serve` (and `python app.py`): open the index and launch the chat page.

Loopback only unless --host says otherwise; Gradio analytics off; no share link, ever.
"""
from __future__ import annotations

import ipaddress
import logging
import sys
import threading
from pathlib import Path

import click

from assistant.config import apply_offline_env

log = logging.getLogger(__name__)


def corpus_for(index_dir: str | Path, explicit: str | Path | None = None) -> Path:
    """--corpus, else OFSTED_CORPUS, else the folder the index was built from (when it is still there), else
    resolve_corpus's fallbacks: an index built elsewhere must not show another corpus's files."""
    import os

    from assistant.config import resolve_corpus

    if explicit or os.environ.get("OFSTED_CORPUS"):
        return resolve_corpus(explicit)
    from assistant.index import STATE_FILE
    from assistant.store import Store

    state = Path(index_dir) / STATE_FILE
    if state.exists():
        store = Store(state, readonly=True)
        try:
            recorded = store.get_meta("corpus")
        except Exception:  # an unreadable or half-built index: the page itself will say what is wrong
            recorded = None
        finally:
            store.close()
        if recorded and Path(recorded).is_dir():
            return Path(recorded)
    return resolve_corpus(None)


def create_page(index_dir: str | Path, corpus: str | Path | None = None, chroma_url: str | None = None, **page_options):
    """The ChatPage for an index folder; corpus defaults to `corpus_for(index_dir)`."""
    apply_offline_env()
    from assistant.api import Assistant
    from assistant.web.page import ChatPage

    assistant = Assistant(index=index_dir, chroma_url=chroma_url)
    return ChatPage(assistant, corpus_for(index_dir, corpus), **page_options)


def warm_up(page) -> threading.Thread:
    """Load the embedder and indexes before the first user asks (that first load takes many seconds)."""
    def run():
        try:
            page.assistant.ask("supervision of social workers")
        except Exception:  # a cold first answer is slower, not broken
            log.exception("warm-up question failed")

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Index folder (default: OFSTED_INDEX or ./index).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; keep the default unless behind a login.")
@click.option("--port", default=7860, show_default=True, type=int)
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Corpus folder the index was built from, for page images and downloads (default: as for ingest).")
@click.option("--auth", "auth_spec", default=None, metavar="FILE|env:VAR",
              help="Require a login: a file of user:password lines, or env:VARNAME holding user:password.")
@click.option("--chroma-url", default=None, help="Use a `chroma run` server (or OFSTED_CHROMA_URL).")
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1, 32),
              help="Questions answered at the same time; later ones wait in Gradio's queue.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another host name the page may be reached by (repeatable); '*' turns the Host check off.")
def serve_command(index_dir, host, port, corpus, auth_spec, chroma_url, concurrency, allow_hosts) -> None:
    """Start the chat page for managers in the browser."""
    from assistant.config import Settings
    from assistant.index import IndexMissing
    from assistant.web.auth import AuthError, load_auth

    warnings: list[str] = []
    try:
        auth = load_auth(auth_spec, warnings)
    except AuthError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
    settings = Settings()
    corpus_root = corpus_for(index_dir or settings.index, corpus)
    if not corpus_root.is_dir():
        click.echo(f"Warning: corpus folder {corpus_root} not found: answers work, but page images and downloads will not.", err=True)
    if not is_loopback(host) and not auth:
        click.echo(f"Warning: binding {host} without --auth lets anyone who can reach this machine use the page.", err=True)
    try:
        page = create_page(index_dir or settings.index, corpus_root, chroma_url or settings.chroma_url, concurrency=concurrency)
    except IndexMissing as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    page.assistant.settings.allowed_hosts = [*page.assistant.settings.allowed_hosts, *allow_hosts]
    warm_up(page)
    page.launch(server_name=host, server_port=port, auth=auth, auth_message="Inspection Assistant: please log in.")
