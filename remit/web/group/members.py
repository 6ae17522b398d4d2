"""The members a coordinator names on the group transfer's form: typed in its rows, pasted, or uploaded.
Each list is read once, row by row, by the one reader of member lists (remit.importers.members): a row
typed in the form as a pasted row is read, in the page's language.

An upload is read when it is sent; its members are then kept in the form (`uploaded`), signed, with their
amounts as the plain decimals read, so that the plan can be made again (and the hand-outs printed)
without sending the file again: read back, each amount is the number it was read as, whatever the
language of the page that sends it back, and only checked against the currency of the corridor asked."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import abort, current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ...i18n import translate
from ...importers.members import (
    COLUMN_NAMES,
    PASTED,
    TYPED,
    UPLOADED,
    MemberSources,
    read_sources,
)
from ...importers.rows import NumberCell
from ...services import bundles
from .forms import BundleForm

KEPT_SALT = "remit.group.uploaded-members"


@dataclass
class MemberList:
    """The members a form names, the columns carried through to the payout list, where each member was
    entered (for messages), and what cannot be read."""

    members: list[bundles.MemberInput] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # member ref → where it was entered


def read(form: BundleForm, currency: str) -> MemberList:
    """Every member the form names, in `currency`, read in one pass by the reader of member lists: its
    rows, then the upload (or the one kept), then the pasted list; then what concerns them all (a
    reference twice, too many, none). A file read whole is kept in the form; each problem is shown in
    the page's language, with where it was found, and a typed amount's beside it too."""
    typed, upload = _typed(form), _upload(form)
    kept = None if upload else _kept(form)
    named = read_sources(MemberSources(typed=typed, upload=upload, kept=kept, pasted=form.pasted.data or ""),
                         currency, str(get_locale()))
    if named.upload_rows is not None:
        form.uploaded.data = _signer().dumps(named.upload_rows)
    fields = {number: row.form for number, row in enumerate(form.rows.entries, start=1)}
    where = {TYPED: _("row %(n)s of the form"), UPLOADED: _("the uploaded file, row %(n)s"),
             PASTED: _("the pasted list, row %(n)s")}
    said = {TYPED: _("Row %(n)s: %(problem)s"), UPLOADED: _("Uploaded file, %(problem)s"),
            PASTED: _("Pasted list, %(problem)s")}
    found = MemberList(members=named.members, carried=named.carried,
                       sources={ref: where[source] % {"n": row} for ref, (source, row) in named.entered.items()})
    for source, problem in named.problems:
        if source is None:
            found.problems.append(translate(problem))
        elif source == TYPED:
            if problem.column == COLUMN_NAMES["amount"]:  # beside the amount typed, as well as in the summary
                fields[problem.row].amount.errors.append(problem.message)
            found.problems.append(said[source] % {"n": problem.row, "problem": translate(problem.message)})
        else:
            found.problems.append(said[source] % {"problem": translate(problem.text())})
    return found


def _typed(form: BundleForm) -> list[tuple[int, list[str]]]:
    """The form's rows as the reader takes them (reference, amount, today's service, language); a row
    left empty is not sent."""
    rows = []
    for number, row in enumerate(form.rows.entries, start=1):
        cells = [(row.form.ref.data or "").strip(), (row.form.amount.data or "").strip(),
                 (row.form.service.data or "").strip(), row.form.language.data or ""]
        if any(cells[:3]):
            rows.append((number, cells))
    return rows


def _upload(form: BundleForm) -> tuple[bytes, str] | None:
    """The file sent with the form, if one was."""
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        return upload.read(), upload.filename
    return None


def _kept(form: BundleForm) -> tuple[list, list[str]] | None:
    """The members kept in the form from an earlier upload (when no new file is sent)."""
    text = (form.uploaded.data or "").strip()
    return _kept_rows(text) if text else None


# --- An upload kept in the form --------------------------------------------------------------------

def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=KEPT_SALT)


def _kept_rows(text: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The rows kept in the form, the amounts as the numbers they are; a list not kept by remit (its
    signature does not match) was not sent by the page (400)."""
    try:
        found = _signer().loads(text.strip())
        carried = [str(name) for name in found["carried"]]
        rows = [(int(row), [ref, NumberCell(amount), *cells]) for row, ref, amount, *cells in found["rows"]]
    except (BadSignature, KeyError, TypeError, ValueError, json.JSONDecodeError):
        abort(400)
    return rows, carried

