"""Which files of a corpus folder are indexed, and in what order: each council's latest report and every
framework document first, then (unless --latest-only) the earlier reports, newest first."""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.loaders import SUPPORTED_SUFFIXES

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_NAME_DATE = re.compile(r"(\d{1,2})\s+(%s)\s+(\d{4})" % "|".join(_MONTHS), re.I)


@dataclass
class Discovery:
    files: list[Path]  # relative to the corpus root
    unsupported: list[tuple[Path, str]]
    superseded: int  # earlier reports left out because of --latest-only
    # Folders os.walk could not list: what was indexed from them stays, as nobody can tell it was removed.
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    # The earlier reports among `files` (or, with --latest-only, the ones left out), newest first: the second
    # wave of a first ingest, so the page can answer from the latest reports while these are added.
    older: list[Path] = field(default_factory=list)

    @property
    def first(self) -> list[Path]:
        """Every latest report, framework and undated file: indexed before the older reports."""
        later = set(self.older)
        return [f for f in self.files if f not in later]


def date_in_name(name: str) -> dt.date | None:
    match = _NAME_DATE.search(name)
    if not match:
        return None
    try:
        return dt.date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
    except ValueError:
        return None


def is_report_path(rel: Path) -> bool:
    return "reports" in rel.parts[:-1]


def undecodable_name(rel: Path) -> str | None:
    """The path with its undecodable bytes shown as \\xNN when the name is not valid UTF-8, else None.

    os.walk hands such names over as lone surrogates, which SQLite (and every UTF-8 writer) refuses; the
    escaped form can be stored and printed, so the file gets a skip reason instead of stopping the ingest."""
    text = str(rel)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return None


def discover(root: Path, all_reports: bool) -> Discovery:
    if not root.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    found: list[Path] = []
    unsupported: list[tuple[Path, str]] = []
    unreadable: list[tuple[Path, str]] = []

    def cannot_list(exc: OSError) -> None:
        rel = Path(exc.filename).relative_to(root) if exc.filename else Path(".")
        if rel == Path("."):
            raise PermissionError(f"the corpus folder {root} cannot be read ({exc.strerror}); nothing was changed")
        unreadable.append((Path(undecodable_name(rel) or rel), f"folder cannot be read ({exc.strerror}); "
                                                              "what was indexed from it is kept"))
    inside = root.resolve()
    # followlinks=False: a symlink loop in the corpus must not hang or crash the ingest.
    for dirpath, dirnames, filenames in os.walk(root, onerror=cannot_list, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            # Not followed (it may lead anywhere, or back here), but said, so no folder vanishes unexplained.
            dirnames.remove(name)
            rel = Path(dirpath, name).relative_to(root)
            unsupported.append((Path(undecodable_name(rel) or rel), "symbolic link to a folder: not followed"))
        for name in sorted(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(root)
            if name.startswith(".") or name.lower().startswith("readme"):
                continue
            escaped = undecodable_name(rel)
            if escaped is not None:
                unsupported.append((Path(escaped), "file name is not valid UTF-8 (rename the file to index it)"))
                continue
            if full.is_symlink() and not full.exists():
                unsupported.append((rel, "broken or looping symbolic link"))
                continue
            if not full.is_file():
                continue
            if full.is_symlink() and not full.resolve().is_relative_to(inside):
                # Anything readable (/etc/passwd) would otherwise be quoted in answers.
                unsupported.append((rel, "symbolic link to a file outside the corpus folder: not indexed"))
                continue
            if full.suffix.lower() not in SUPPORTED_SUFFIXES:
                unsupported.append((rel, f"unsupported file type '{full.suffix or 'none'}': PDF, HTML, TXT or MD only"))
                continue
            found.append(rel)
    latest: dict[Path, tuple[tuple, Path]] = {}
    keep: list[Path] = []
    dated: list[tuple[tuple, Path]] = []
    for rel in found:
        when = date_in_name(rel.name) if is_report_path(rel) else None
        # Only dated reports of one council's folder compete; anything else is always indexed first.
        if when is None:
            keep.append(rel)
            continue
        dated.append(((when, rel.name), rel))
        best = latest.get(rel.parent)
        if best is None or (when, rel.name) > best[0]:
            latest[rel.parent] = ((when, rel.name), rel)
    keep.extend(rel for _, rel in latest.values())
    firsts = set(keep)
    older = [rel for _, rel in sorted((d for d in dated if d[1] not in firsts), key=lambda d: d[0], reverse=True)]
    if all_reports:
        return Discovery(sorted(keep) + older, unsupported, 0, unreadable, older)
    return Discovery(sorted(keep), unsupported, len(older), unreadable, older)
