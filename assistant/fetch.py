"""`ofsted-assistant fetch`: download local authority children's services inspection reports from Ofsted's
reports site into a corpus folder, in the corpus's own layout
(`reports/<urn>_<council>/children's services inspection - <d month yyyy>.pdf`).

The site's pages, as the public Data to Insight ILACS scrape tool reads them (this module is our own code):

- search: `<base>/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12&start=S&rows=R`
  (children's social care, local authority children's services) lists councils as links whose href holds
  `/provider/`, the council's URN being the link's last path segment and its name the link's text; later pages
  come from a larger `start`, and a page with no provider links is past the end;
- provider page: each publication is an `<a class="publication-link" href="...">` whose
  `<span class="nonvisual">` reads like "Children's services inspection, pdf - 15 July 2025"; that text, minus
  ", pdf", is the corpus's file name. The href is the PDF itself, often on another host.

The live site may change these pages: a listing that finds no council fails loudly instead of reporting
"nothing new".

Polite by construction: one request at a time, `fetch_delay` seconds between requests, `fetch_retries`
retries with doubling backoff on timeouts, connection errors and 429/5xx answers, a `fetch_timeout`, and a
user agent that says who is asking. Only files not already present are downloaded: a URL recorded in
`.fetch-state.json`, a file already at the target name, or content whose SHA-256 is already known is skipped.
A body that does not start with `%PDF-` (an HTML error page served as a PDF) is never written.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Callable, Iterable, Literal
from urllib.parse import urljoin, urlsplit

import httpx
from bs4 import BeautifulSoup
from pydantic import BaseModel

from assistant.config import Settings
from assistant.documents.corpus import date_in_name
from assistant.documents.reports import canonical_local_authority

SEARCH_PATH = "/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12"
STATE_FILE = ".fetch-state.json"
MAX_SEARCH_PAGES = 50  # 153 councils at 100 a page is 2; a site that never stops paging must not loop forever
_RETRY_STATUS = {429, 500, 502, 503, 504}
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|]')  # the site's labels become file and folder names on any system


def user_agent() -> str:
    try:
        release = version("inspection-assistant")
    except PackageNotFoundError:
        release = "dev"
    return (f"inspection-assistant/{release} (offline question answering over Ofsted children's services "
            "reports; `ofsted-assistant fetch`, one request at a time)")


class FetchError(Exception):
    """The site could not be listed at all: nothing was downloaded."""


class FetchedFile(BaseModel):
    council: str
    url: str
    path: str | None  # relative to the corpus folder; None when the link gave no usable file name
    status: Literal["new", "unchanged", "failed"]
    reason: str = ""


class FetchSummary(BaseModel):
    councils: int
    files: list[FetchedFile]
    seconds: float

    def with_status(self, status: str) -> list[FetchedFile]:
        return [f for f in self.files if f.status == status]

    @property
    def new(self) -> list[FetchedFile]:
        return self.with_status("new")

    @property
    def unchanged(self) -> list[FetchedFile]:
        return self.with_status("unchanged")

    @property
    def failed(self) -> list[FetchedFile]:
        return self.with_status("failed")


@dataclass(frozen=True)
class Provider:
    urn: str
    name: str
    url: str


@dataclass(frozen=True)
class Publication:
    url: str
    file_name: str

    @property
    def published(self) -> dt.date | None:
        return date_in_name(self.file_name)


# ----------------------------------------------------------------------------------------- the site's pages

def parse_search_page(html: str, page_url: str) -> list[Provider]:
    soup = BeautifulSoup(html, "html.parser")
    found: dict[str, Provider] = {}
    for link in soup.find_all("a", href=lambda h: bool(h) and "/provider/" in h):
        url = urljoin(page_url, link["href"])
        urn = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        name = " ".join(link.get_text(" ").split())
        if urn.isdigit() and name and urn not in found:
            found[urn] = Provider(urn, name, url)
    return list(found.values())


def report_file_name(label: str) -> str | None:
    """"Children's services inspection, pdf - 15 July 2025" -> "children's services inspection - 15 july 2025.pdf";
    None for any other publication (focused visits, monitoring letters...)."""
    text = " ".join(label.replace("\u2019", "'").lower().split())
    if not re.match(r"children's services inspection\b", text):
        return None
    text = re.sub(r"\s*,\s*pdf\b", "", text)
    text = _UNSAFE_IN_NAME.sub(" ", text)
    return " ".join(text.split()) + ".pdf"


def parse_provider_page(html: str, page_url: str) -> list[Publication]:
    soup = BeautifulSoup(html, "html.parser")
    found: list[Publication] = []
    for link in soup.find_all("a", class_="publication-link", href=True):
        label = link.select_one("span.nonvisual")
        name = report_file_name((label or link).get_text(" "))
        if name:
            found.append(Publication(urljoin(page_url, link["href"]), name))
    return found


def council_folder(reports: Path, provider: Provider) -> str:
    """The council's folder: the one already holding its URN, else `<urn>_<council name, lower case>`."""
    if reports.is_dir():
        for existing in sorted(reports.glob(f"{provider.urn}_*")):
            if existing.is_dir():
                return existing.name
    name = (canonical_local_authority(provider.name) or provider.name).lower()
    return f"{provider.urn}_{' '.join(_UNSAFE_IN_NAME.sub(' ', name).split())}"


def matches(provider: Provider, wanted: Iterable[str]) -> bool:
    return _la_key(provider.name) in {_la_key(w) for w in wanted}


def _la_key(name: str) -> str:
    return (canonical_local_authority(name) or name).lower()


# ----------------------------------------------------------------------------------------- polite HTTP

class PoliteClient:
    """One request at a time, `delay` seconds apart, retried with doubling backoff. `sleep` is injectable so the
    waits can be checked without waiting."""

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.sleep, self.clock = sleep, clock
        self.http = httpx.Client(headers={"User-Agent": user_agent()}, timeout=settings.fetch_timeout,
                                 follow_redirects=True)
        self._last: float | None = None

    def close(self) -> None:
        self.http.close()

    def get(self, url: str) -> httpx.Response:
        """The response of a 2xx answer; FetchError with a one-line reason otherwise."""
        reason = ""
        for attempt in range(self.settings.fetch_retries + 1):
            if attempt:
                self.sleep(self.settings.fetch_backoff * 2 ** (attempt - 1))
            self._wait_turn()
            try:
                response = self.http.get(url)
            except httpx.TimeoutException:
                reason = f"timed out after {self.settings.fetch_timeout:g} s"
                continue
            except httpx.TransportError as exc:
                reason = f"could not connect ({type(exc).__name__}: {exc})"
                continue
            finally:
                self._last = self.clock()
            if response.status_code in _RETRY_STATUS:
                reason = f"HTTP {response.status_code}"
                continue
            if response.is_success:
                return response
            raise FetchError(f"HTTP {response.status_code}")
        tries = self.settings.fetch_retries + 1
        raise FetchError(f"{reason} ({tries} {'try' if tries == 1 else 'tries'})")

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self.settings.fetch_delay - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)


# ----------------------------------------------------------------------------------------- what we have

@dataclass
class FetchState:
    """URL -> {path, sha256} of every file fetched or found, kept in the corpus folder so re-runs skip them."""
    path: Path
    files: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, corpus: Path) -> FetchState:
        path = corpus / STATE_FILE
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, dict(data["files"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise FetchError(f"{path} is not a fetch state file ({exc}); move it away to start afresh") from exc

    def record(self, url: str, rel: str, digest: str) -> None:
        self.files[url] = {"path": rel, "sha256": digest}
        _write_atomic(self.path, json.dumps({"files": self.files}, indent=1, sort_keys=True).encode("utf-8"))

    def path_of_hash(self, digest: str) -> str | None:
        return next((f["path"] for f in self.files.values() if f.get("sha256") == digest), None)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(target: Path, data: bytes) -> None:
    """A temporary file in the same folder, then a rename: an interrupted run never leaves half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".fetch-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ----------------------------------------------------------------------------------------- the run

Progress = Callable[[str, int, int], None]


def fetch_reports(corpus: str | os.PathLike, settings: Settings | None = None, las: Iterable[str] = (),
                  since: dt.date | None = None, progress: Progress | None = None,
                  client: PoliteClient | None = None) -> FetchSummary:
    """Download into `corpus` every council's children's services inspection reports (or those of `las`,
    published on or after `since`) that it does not hold yet. FetchError when the site cannot be listed or a
    council in `las` is not on it; a file that fails is reported in the summary and the run goes on."""
    started = time.monotonic()
    settings = settings or Settings()
    corpus = Path(corpus)
    tick = progress or (lambda *a: None)
    las = list(las)
    state = FetchState.load(corpus)
    own_client = client is None
    client = client or PoliteClient(settings)
    try:
        providers = list_providers(client, settings)
        if las:
            missing = [la for la in las if not any(matches(p, [la]) for p in providers)]
            if missing:
                raise FetchError(f"no council on the site matches --la {', '.join(repr(m) for m in missing)} "
                                 f"({len(providers)} councils listed)")
            providers = [p for p in providers if matches(p, las)]
        files: list[FetchedFile] = []
        for done, provider in enumerate(providers):
            tick("Councils", done, len(providers))
            files.extend(_fetch_council(client, corpus, provider, state, since))
        tick("Councils", len(providers), len(providers))
    finally:
        if own_client:
            client.close()
    return FetchSummary(councils=len(providers), files=files, seconds=round(time.monotonic() - started, 2))


def list_providers(client: PoliteClient, settings: Settings) -> list[Provider]:
    base = settings.fetch_base_url.rstrip("/")
    providers: dict[str, Provider] = {}
    start = 0
    for _ in range(MAX_SEARCH_PAGES):
        url = f"{base}{SEARCH_PATH}&start={start}&rows={settings.fetch_page_size}"
        try:
            response = client.get(url)
        except FetchError as exc:
            raise FetchError(f"the search page {url} could not be read: {exc}") from exc
        page = [p for p in parse_search_page(response.text, str(response.url)) if p.urn not in providers]
        if not page:
            break
        providers.update((p.urn, p) for p in page)
        # By what the page gave, not by what was asked: the site may cap a page below `rows`.
        start += len(page)
    if not providers:
        raise FetchError(f"the search page {base}{SEARCH_PATH} listed no council: the site may have changed its "
                         "pages (see assistant/fetch.py for the shape this reads)")
    return sorted(providers.values(), key=lambda p: p.name.lower())


def _fetch_council(client: PoliteClient, corpus: Path, provider: Provider, state: FetchState,
                   since: dt.date | None) -> list[FetchedFile]:
    council = canonical_local_authority(provider.name) or provider.name
    try:
        publications = parse_provider_page(client.get(provider.url).text, provider.url)
    except FetchError as exc:
        return [FetchedFile(council=council, url=provider.url, path=None, status="failed",
                            reason=f"provider page: {exc}")]
    reports = corpus / "reports"
    folder = council_folder(reports, provider)
    out: list[FetchedFile] = []
    for pub in publications:
        if since and (pub.published is None or pub.published < since):
            continue
        rel = f"reports/{folder}/{pub.file_name}"
        target = corpus / rel

        def result(status, reason="", path=rel):
            return FetchedFile(council=council, url=pub.url, path=path, status=status, reason=reason)

        if pub.url in state.files:
            out.append(result("unchanged", "fetched before", state.files[pub.url]["path"]))
            continue
        if target.exists():
            state.record(pub.url, rel, _sha256(target.read_bytes()))
            out.append(result("unchanged", "already in the corpus"))
            continue
        try:
            body = client.get(pub.url).content
        except FetchError as exc:
            out.append(result("failed", str(exc)))
            continue
        if not body.startswith(b"%PDF-"):
            # The site serves some missing reports as an HTML error page under a PDF's name.
            kind = "an HTML page" if b"<html" in body[:2048].lower() else "not a PDF"
            out.append(result("failed", f"{kind} ({len(body)} bytes), not written"))
            continue
        digest = _sha256(body)
        same = state.path_of_hash(digest) or _same_content(target.parent, digest, corpus)
        if same:
            state.record(pub.url, same, digest)
            out.append(result("unchanged", f"same content as {same}", same))
            continue
        _write_atomic(target, body)
        state.record(pub.url, rel, digest)
        out.append(result("new"))
    return out


def _same_content(folder: Path, digest: str, corpus: Path) -> str | None:
    """A file of the council's folder with this content (fetched by hand, or under another name)."""
    if not folder.is_dir():
        return None
    for existing in sorted(folder.iterdir()):
        if existing.is_file() and not existing.name.startswith(".") and _sha256(existing.read_bytes()) == digest:
            return existing.relative_to(corpus).as_posix()
    return None
