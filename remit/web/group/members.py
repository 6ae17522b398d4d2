"""The members a coordinator enters on the group transfer's form: typed in its rows, pasted, or
uploaded (an upload is kept in the form, so that the plan can be made again without it)."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from ...i18n import translate
from ...importers.members import read_members, read_pasted
from ...inputs import MAX_MEMBERS
from ...services import bundles
from ..forms import read_amount
from .forms import BundleForm


def _members(form: BundleForm, currency: str, entered) -> list[bundles.MemberInput]:
    locale = str(get_locale())
    members: list[bundles.MemberInput] = []
    for number, row in enumerate(form.rows.entries, start=1):
        ref = (row.form.ref.data or "").strip()
        amount_text = (row.form.amount.data or "").strip()
        if not ref and not amount_text and not (row.form.service.data or "").strip():
            continue
        if not ref or not amount_text:
            row.form.amount.errors.append(_("Give both a reference and an amount."))
            entered.problems.append(_("Row %(n)s: give both a reference and an amount.", n=number))
            continue
        value = read_amount(row.form.amount, currency)
        if value is None:
            entered.problems.append(_("Row %(n)s: %(problem)s", n=number,
                                      problem=translate(row.form.amount.errors[-1])))
            continue
        members.append(bundles.MemberInput(ref, value, None, (row.form.service.data or "").strip() or None,
                                           row.form.language.data or None))
        entered.sources[ref] = _("row %(n)s of the form", n=number)
    if form.upload.data and getattr(form.upload.data, "filename", ""):
        # An uploaded file is read once, then kept in the form as text, so that the plan can be recomputed.
        more, problems, carried = read_members(form.upload.data.read(), form.upload.data.filename, currency, locale)
        if not problems:
            form.uploaded.data = _as_text(more, carried)
        entered.problems += [_("Uploaded file, %(problem)s", problem=translate(p.text())) for p in problems]
        _add(members, more, carried, entered, _("the uploaded file, row %(n)s"))
    elif (form.uploaded.data or "").strip():
        more, problems, carried = read_pasted(form.uploaded.data, currency, "en")
        entered.problems += [_("Uploaded file, %(problem)s", problem=translate(p.text())) for p in problems]
        _add(members, more, carried, entered, _("the uploaded file, row %(n)s"))
    if (form.pasted.data or "").strip():
        more, problems, carried = read_pasted(form.pasted.data, currency, locale)
        entered.problems += [_("Pasted list, %(problem)s", problem=translate(p.text())) for p in problems]
        _add(members, more, carried, entered, _("the pasted list, row %(n)s"))
    refs = [m.ref for m in members]
    for ref in sorted({r for r in refs if refs.count(r) > 1}):
        entered.problems.append(_("The reference %(ref)s is used twice.", ref=ref))
    if len(members) > MAX_MEMBERS:
        entered.problems.append(_("A group has at most %(limit)s members.", limit=f"{MAX_MEMBERS:,}"))
    if not members and not entered.problems:
        entered.problems.append(_("Enter at least one member."))
    return members


def _add(members, more, carried, entered, where: str) -> None:
    members.extend(more)
    for name in carried:
        if name not in entered.carried:
            entered.carried.append(name)
    for member in more:
        entered.sources[member.ref] = where % {"n": member.row}


def _as_text(members, carried: list[str]) -> str:
    """Members as tab-separated text with a header, as the form keeps an uploaded list."""
    lines = ["\t".join(["reference", "amount", "service", "language", *carried])]
    for m in members:
        extra = dict(m.extra)
        lines.append("\t".join([m.ref, format(m.amount, "f"), m.product or "", m.language or "",
                                *[extra.get(name, "") for name in carried]]))
    return "\n".join(lines)
