"""A stand-in for Ofsted's reports site on 127.0.0.1, serving hand-written pages of the shape `fetch` reads
(assistant/fetch.py): search results over two pages, four provider pages, real PDFs from the shipped sample,
a focused-visit letter that must be ignored, a 404, a route slower than any test timeout, a 503 that succeeds
on retry and one that never does, one report under two URLs, an HTML error page served as a PDF, and a
"redesigned" search page with no provider links.

`python -m tests.fetch_server` runs it until Ctrl-C and prints the settings that point `fetch` at it.
"""
from __future__ import annotations

import select
import socket
import threading
import time
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from assistant.config import SAMPLE_CORPUS

PAGE_CAP = 2  # results per search page whatever `rows` asks: four councils make two pages


def _sample(rel: str) -> Path:
    return SAMPLE_CORPUS / "reports" / rel


# urn, the name the site shows, [(label, route, file id)]
SITE = [
    ("80564", "Stoke-on-Trent City Council", [
        ("Children's services inspection, pdf - 15 July 2025", "files", "80564-2025"),
        ("Children\u2019s services inspection, pdf - 18 March 2019", "files", "80564-2019"),
        ("Focused visit, pdf - 10 January 2021", "missing", "80564-fv"),
    ]),
    ("80481", "Leeds City Council", [
        ("Children's services inspection, pdf - 12 August 2025", "flaky", "80481-2025"),
        ("Children's services inspection, pdf - 13 August 2025", "files", "80481-2025-copy"),
    ]),
    ("80476", "Kent County Council", [
        ("Children's services inspection, pdf - 02 February 2026", "files", "80476-2026"),
        ("Children's services inspection, pdf - 23 August 2013", "error", "80476-2013"),
    ]),
    ("80461", "Devon County Council", [
        ("Children's services inspection, pdf - 13 May 2025", "files", "80461-2025"),
        ("Children's services inspection, pdf - 17 March 2020", "missing", "80461-2020"),
        ("Children's services inspection, pdf - 12 May 2015", "slow", "80461-2015"),
    ]),
]
FILES = {
    "80564-2025": _sample("80564_stoke-on-trent/children's services inspection - 15 july 2025.pdf"),
    "80564-2019": _sample("80564_stoke-on-trent/children's services inspection - 18 march 2019.pdf"),
    "80481-2025": _sample("80481_leeds/children's services inspection - 12 august 2025.pdf"),
    "80481-2025-copy": _sample("80481_leeds/children's services inspection - 12 august 2025.pdf"),
    "80476-2026": _sample("80476_kent/children's services inspection - 02 february 2026.pdf"),
    "80461-2025": _sample("80461_devon/children's services inspection - 13 may 2025.pdf"),
    "80461-2015": _sample("80479_knowsley/children's services inspection - 20 january 2025.pdf"),
}
ERROR_PAGE = (b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>Sorry, there is a problem with the service</title>"
              b"</head><body><h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></body></html>\n")


def search_page(start: int, rows: int) -> str:
    shown = SITE[start:start + min(rows, PAGE_CAP)]
    items = "".join(
        f'<li class="search-result"><h3 class="search-result__title"><a href="/provider/44/{urn}">{escape(name)}</a>'
        f'</h3><ul class="search-result__provider-info"><li>URN: {urn}</li><li>Local authority children\u2019s '
        f"services</li></ul></li>" for urn, name, _ in shown)
    more = start + len(shown) < len(SITE)
    pagination = (f'<ul class="pagination"><li class="next"><a href="/search?start={start + len(shown)}&amp;rows={rows}">'
                  "Next page</a></li></ul>" if more else "")
    return (f'<!DOCTYPE html><html><head><title>Search results</title></head><body><a href="/">Home</a>'
            f'<p class="search-results-count">{len(SITE)} results</p><ul class="results-list list-unstyled">'
            f"{items}</ul>{pagination}</body></html>")


def provider_page(base: str, urn: str) -> str | None:
    for site_urn, name, publications in SITE:
        if site_urn == urn:
            links = "".join(
                f'<li class="publication-list__item"><a class="publication-link" href="{base}/{route}/{fid}">'
                f'{escape(label.split(",")[0])}<span class="nonvisual">{escape(label)}</span></a></li>'
                for label, route, fid in publications)
            return (f"<!DOCTYPE html><html><head><title>{escape(name)}</title></head><body><h1>{escape(name)}</h1>"
                    f"<p>URN: {urn}</p><ul class=\"publication-list\">{links}</ul></body></html>")
    return None


@dataclass
class Request:
    path: str
    user_agent: str


def _hung_up(connection: socket.socket, wait: float = 0.0) -> bool:
    """The client closed this connection: readable, with nothing left to read."""
    try:
        readable, _, _ = select.select([connection], [], [], wait)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):  # already closed on our side
        return True


@dataclass
class FixtureSite:
    """The site in a thread on 127.0.0.1, on a free port. `requests` lists every request in arrival order;
    `max_in_flight` is the most requests it was ever answering at once."""
    slow_seconds: float = 3.0
    requests: list[Request] = field(default_factory=list)
    max_in_flight: int = 0

    def __post_init__(self):
        self._lock = threading.Lock()
        self._live: set = set()  # the handlers still answering
        self._flaky_seen: set[str] = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True  # a slow answer still sleeping must not hold up the shutdown
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="fixture-site", daemon=True)

    def __enter__(self) -> FixtureSite:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self, prefix: str = "/") -> list[str]:
        return [r.path for r in self.requests if r.path.startswith(prefix)]

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet: the tests read `site.requests`
                pass

            def do_GET(self):
                with site._lock:
                    site.requests.append(Request(self.path, self.headers.get("User-Agent", "")))
                    # A request whose client already hung up is over, even if its thread has not noticed yet:
                    # on a loaded machine the stalling thread can lag behind a retry that arrives 0.2 s later.
                    site._live = {h for h in site._live if not _hung_up(h.connection)}
                    site._live.add(self)
                    site.max_in_flight = max(site.max_in_flight, len(site._live))
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass
                finally:
                    self._done()

            def _done(self) -> None:
                """This request is no longer in flight. Called before the answer is written: once the client has
                the answer it may send the next request at once, and this thread must not still count."""
                with site._lock:
                    site._live.discard(self)

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self._done()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _client_left_within(self, seconds: float) -> bool:
                """Stall like an overloaded site, but notice when the client hangs up, so a request it gave up on
                does not count as still in flight."""
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    if _hung_up(self.connection, wait=0.02):
                        return True
                return False

            def _pdf(self, fid: str) -> None:
                self._send(200, FILES[fid].read_bytes(), "application/pdf")

            def _answer(self) -> None:
                url = urlsplit(self.path)
                parts = url.path.strip("/").split("/")
                if parts[0] == "search":
                    q = parse_qs(url.query)
                    start, rows = int(q.get("start", ["0"])[0]), int(q.get("rows", ["10"])[0])
                    return self._send(200, search_page(start, rows).encode(), "text/html; charset=utf-8")
                if parts[0] == "provider" and len(parts) == 3:
                    page = provider_page(site.base_url, parts[2])
                    if page:
                        return self._send(200, page.encode(), "text/html; charset=utf-8")
                if len(parts) == 2 and parts[0] == "files" and parts[1] in FILES:
                    return self._pdf(parts[1])
                if len(parts) == 2 and parts[0] == "flaky" and parts[1] in FILES:
                    with site._lock:
                        first = parts[1] not in site._flaky_seen
                        site._flaky_seen.add(parts[1])
                    if first:
                        return self._send(503, b"Service unavailable", "text/plain")
                    return self._pdf(parts[1])
                if len(parts) == 2 and parts[0] == "slow" and parts[1] in FILES:
                    if self._client_left_within(site.slow_seconds):
                        return None  # it timed out and closed the connection: this request is over
                    return self._pdf(parts[1])
                if parts[0] == "busy":  # always overloaded: every retry fails
                    return self._send(503, b"Service unavailable", "text/plain")
                if parts[0] == "redesigned":  # a site whose search page no longer lists providers as links
                    return self._send(200, b"<html><body><div data-results='[]'></div></body></html>", "text/html")
                if len(parts) == 2 and parts[0] == "error":
                    # What the real site does for some old reports: a 200 "PDF" that is an HTML error page.
                    return self._send(200, ERROR_PAGE, "application/pdf")
                self._send(404, b"<html><body><h1>Page not found</h1></body></html>", "text/html")

        return Handler


if __name__ == "__main__":
    with FixtureSite() as fixture_site:
        print(f"Serving a stand-in for Ofsted's reports site on {fixture_site.base_url} (Ctrl-C stops it).")
        print(f"  export OFSTED_FETCH_BASE_URL={fixture_site.base_url} OFSTED_FETCH_DELAY=0 "
              "OFSTED_FETCH_TIMEOUT=1 OFSTED_FETCH_RETRIES=1 OFSTED_FETCH_BACKOFF=0.5", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
