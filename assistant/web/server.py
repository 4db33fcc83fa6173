"""What `ofsted-assistant serve` (and `python app.py`) runs: open the index and launch the chat page.

Loopback only unless --host says otherwise; Gradio analytics off; no share link, ever.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import threading
from pathlib import Path

from assistant.api import Assistant
from assistant.config import Settings, apply_offline_env, resolve_corpus
from assistant.index import STATE_FILE
from assistant.store import Store

log = logging.getLogger(__name__)


def corpus_for(index_dir: str | Path, explicit: str | Path | None = None) -> Path:
    """--corpus, else OFSTED_CORPUS, else the folder the index was built from (when it is still there), else
    resolve_corpus's fallbacks: an index built elsewhere must not show another corpus's files."""
    if explicit or os.environ.get("OFSTED_CORPUS"):
        return resolve_corpus(explicit)
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


def create_page(index_dir: str | Path, corpus: str | Path | None = None, chroma_url: str | None = None,
                settings: Settings | None = None, **page_options):
    """The ChatPage for an index folder; corpus defaults to `corpus_for(index_dir)`."""
    apply_offline_env()
    from assistant.web.page import ChatPage  # gradio: loaded only when a page is made

    assistant = Assistant(index=index_dir, chroma_url=chroma_url, settings=settings)
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
