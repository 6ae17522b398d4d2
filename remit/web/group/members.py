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
from ...importers.members import COLUMN_NAMES, read_known_rows, read_members, read_pasted
from ...importers.rows import NumberCell
from ...inputs import MAX_MEMBERS
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

    def add(self, members, carried, where: str) -> None:
        self.members.extend(members)
        for name in carried:
            if name not in self.carried:
                self.carried.append(name)
        for member in members:
            self.sources[member.ref] = where % {"n": member.row}


def read(form: BundleForm, currency: str) -> MemberList:
    """Every member the form names, in `currency`: its rows, then the upload (or the one kept), then the
    pasted list; then what concerns them all (a reference twice, too many, none)."""
    found = MemberList()
    locale = str(get_locale())
    _typed(form, currency, locale, found)
    _uploaded(form, currency, locale, found)
    if (form.pasted.data or "").strip():
        members, problems, carried = read_pasted(form.pasted.data, currency, locale)
        found.problems += [_("Pasted list, %(problem)s", problem=translate(p.text())) for p in problems]
        found.add(members, carried, _("the pasted list, row %(n)s"))
    _whole_list(found)
    return found


def _typed(form: BundleForm, currency: str, locale: str, found: MemberList) -> None:
    """The form's rows: a row left empty is skipped, one with a reference or an amount alone is refused;
    the others are read as pasted rows are (reference, amount, today's service, language)."""
    rows, incomplete = [], []
    for number, row in enumerate(form.rows.entries, start=1):
        ref, amount = (row.form.ref.data or "").strip(), (row.form.amount.data or "").strip()
        service = (row.form.service.data or "").strip()
        if not ref and not amount and not service:
            continue
        if not ref or not amount:
            row.form.amount.errors.append(_("Give both a reference and an amount."))
            incomplete.append((number, _("Row %(n)s: give both a reference and an amount.", n=number)))
            continue
        rows.append((number, [ref, amount, service, row.form.language.data or ""]))
    members, problems = read_known_rows(rows, currency, locale)
    fields = {number: row.form for number, row in enumerate(form.rows.entries, start=1)}
    lines = list(incomplete)
    for problem in problems:
        if problem.column == COLUMN_NAMES["amount"]:  # beside the amount typed, as well as in the summary
            fields[problem.row].amount.errors.append(problem.message)
        lines.append((problem.row, _("Row %(n)s: %(problem)s", n=problem.row, problem=translate(problem.message))))
    found.problems += [line for _row, line in sorted(lines, key=lambda line: line[0])]
    for member in members:
        found.members.append(member)
        found.sources[member.ref] = _("row %(n)s of the form", n=member.row)


def _uploaded(form: BundleForm, currency: str, locale: str, found: MemberList) -> None:
    """The file sent with the form, read and kept in the form; else the members kept from an earlier one."""
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        members, problems, carried = read_members(upload.read(), upload.filename, currency, locale)
        if not problems:
            form.uploaded.data = kept(members, carried)
    elif (form.uploaded.data or "").strip():
        rows, carried = _kept_rows(form.uploaded.data)
        members, problems = read_known_rows(rows, currency, locale, carried=carried)
    else:
        return
    found.problems += [_("Uploaded file, %(problem)s", problem=translate(p.text())) for p in problems]
    found.add(members, carried, _("the uploaded file, row %(n)s"))


def _whole_list(found: MemberList) -> None:
    refs = [m.ref for m in found.members]
    for ref in sorted({r for r in refs if refs.count(r) > 1}):
        found.problems.append(_("The reference %(ref)s is used twice.", ref=ref))
    if len(found.members) > MAX_MEMBERS:
        found.problems.append(_("A group has at most %(limit)s members.", limit=f"{MAX_MEMBERS:,}"))
    if not found.members and not found.problems:
        found.problems.append(_("Enter at least one member."))


# --- An upload kept in the form --------------------------------------------------------------------

def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=KEPT_SALT)


def kept(members: list[bundles.MemberInput], carried: list[str]) -> str:
    """The members read from an upload, as the form keeps them: each row's cells in the known order
    (reference, amount as a plain decimal, today's service, language, payout method, the carried
    columns), with the row the file has it on; signed, so that what comes back is what was read."""
    rows = []
    for m in members:
        extra = dict(m.extra)
        rows.append([m.row, m.ref, format(m.amount, "f"), m.product or "", m.language or "", m.payout_method or "",
                     *[extra.get(name, "") for name in carried]])
    return _signer().dumps({"carried": carried, "rows": rows})


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

