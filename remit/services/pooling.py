"""Before you pool money: the notes on a coordinator's duties, one content file per language
(remit/content/pooling.<language>.toml), which an administrator may replace without a release by
putting a file of the same name in the directory REMIT_CONTENT_DIR names.

A file is read again when it changes (its modification time), so an edit shows on the next request. A
file that cannot be read as notes (a TOML error, a note without its source's https address, no review
date) is passed over with a warning in the log, and the packaged notes are shown instead: a slip in an
edit never takes the group page down.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

PACKAGED = Path(__file__).resolve().parent.parent / "content"
FALLBACK_LANGUAGE = "en"
log = logging.getLogger(__name__)


class NotesError(ValueError):
    """A notes file that does not say what the pages need."""


@dataclass(frozen=True)
class Note:
    heading: str
    text: str
    source: str
    url: str
    countries: tuple[str, ...] = ()  # the receiving countries it concerns (ISO alpha-2); none: every one


@dataclass(frozen=True)
class PoolingNotes:
    language: str
    title: str
    reviewed: dt.date
    disclaimer: str
    notes: tuple[Note, ...]
    path: str  # where they were read from (the log and the tests say which)


_kept: dict[tuple[str, float], PoolingNotes] = {}
_lock = threading.Lock()


def parse(text: str, language: str, path: str) -> PoolingNotes:
    """The notes a file's text holds; NotesError naming what is missing or wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise NotesError(f"not TOML: {exc}") from None
    for key in ("title", "disclaimer"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise NotesError(f"`{key}` is missing")
    if not isinstance(data.get("reviewed"), dt.date) or isinstance(data["reviewed"], dt.datetime):
        raise NotesError("`reviewed` must be a date, written 2026-12-06")
    notes = data.get("notes")
    if not isinstance(notes, list) or not notes:
        raise NotesError("no [[notes]]")
    read = []
    for number, note in enumerate(notes, start=1):
        fields = {key: note.get(key) for key in ("heading", "text", "source", "url")} if isinstance(note, dict) else {}
        missing = [key for key, value in fields.items() if not isinstance(value, str) or not value.strip()]
        if not fields or missing:
            raise NotesError(f"note {number} has no {', '.join(missing or ['fields'])}")
        if not fields["url"].startswith("https://") or any(c.isspace() for c in fields["url"]):
            raise NotesError(f"note {number}: its source's address must be an https:// address")
        countries = note.get("countries", [])
        if not isinstance(countries, list) or not all(isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c)
                                                      for c in countries):
            raise NotesError(f"note {number}: `countries` must list ISO codes such as [\"GT\"]")
        read.append(Note(**{key: value.strip() for key, value in fields.items()}, countries=tuple(countries)))
    return PoolingNotes(language, data["title"].strip(), data["reviewed"], data["disclaimer"].strip(), tuple(read),
                        path)


def _read(path: Path, language: str) -> PoolingNotes:
    stamp = path.stat().st_mtime
    kept = _kept.get((str(path), stamp))
    if kept is not None:
        return kept
    notes = parse(path.read_text(encoding="utf-8"), language, str(path))
    with _lock:
        _kept[(str(path), stamp)] = notes
    return notes


def _candidates(language: str) -> list[Path]:
    name = f"pooling.{language}.toml"
    override = current_app.config.get("REMIT_CONTENT_DIR")
    return ([Path(override) / name] if override else []) + [PACKAGED / name]


def notes_for(language: str) -> PoolingNotes:
    """The notes in `language` (the administrator's file first, then the packaged one), else in English."""
    for lang in dict.fromkeys((language, FALLBACK_LANGUAGE)):
        for path in _candidates(lang):
            if not path.is_file():
                continue
            try:
                return _read(path, lang)
            except (NotesError, OSError, UnicodeDecodeError) as exc:
                log.warning("pooling notes %s passed over: %s", path, exc)
    raise NotesError("no pooling notes can be read, not even the packaged English ones")
