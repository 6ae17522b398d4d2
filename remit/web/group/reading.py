"""The group transfer's form read: the bundle request to plan, or the problems to show beside it."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from ...i18n import LANGUAGES, translate
from ...inputs import MAX_TRANSFER_DAYS, MAX_TRANSFERS_PER_YEAR
from ...services import bundles
from ...services.rates import RateBook
from ...services.reference import find_corridor
from ..format import country_name
from ..forms import choices, corridor_choices, read_amount
from . import members as member_list
from .forms import BundleForm


@dataclass
class Entered:
    """What the form says: the request to plan, or the problems to show; the columns carried through."""

    request: bundles.BundleRequest | None = None
    problems: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # member ref → where it was entered, for messages


def fill_choices(form: BundleForm) -> None:
    """The form's choices: corridors, languages, the currencies remit has rates for (fees may be given in
    any of them)."""
    corridor_choices(form)
    form.language_default.choices = choices([(code, name) for code, name in LANGUAGES.items()])
    currencies = choices([("", _("As the amounts"))] + [(code, code) for code in RateBook.load().currencies()])
    for name in bundles.FEES:
        form[f"{name}_currency"].choices = currencies
    for row in form.rows:
        row.form.language.choices = choices([("", _("Same as the page"))] + list(LANGUAGES.items()))


def read_form(form: BundleForm) -> Entered:
    """The form as a bundle request, or the problems to show beside it."""
    entered = Entered()
    if not form.validate_on_submit():
        return entered
    corridor = find_corridor(form.send.data, form.receive.data)
    if corridor is None:
        form.receive.errors.append(_("remit has no data yet for this corridor: %(send)s → %(receive)s.",
                                     send=country_name(form.send.data), receive=country_name(form.receive.data)))
        return entered
    currency = corridor.send_currency
    named = member_list.read(form, currency)
    entered.problems, entered.carried, entered.sources = named.problems, named.carried, named.sources
    currencies = {f"{name}_currency": form[f"{name}_currency"].data or None for name in bundles.FEES}
    fees = {name: form.fee(form[name], currencies[f"{name}_currency"] or currency) for name in bundles.FEES}
    cap = read_amount(form.max_transfer, currency) if (form.max_transfer.data or "").strip() else None
    per_year = _whole(form.transfers_per_year, MAX_TRANSFERS_PER_YEAR)
    days = _whole(form.transfer_days, MAX_TRANSFER_DAYS)
    if entered.problems or form.errors or None in fees.values():
        return entered
    entered.request = bundles.BundleRequest(
        send=corridor.send_country, receive=corridor.receive_country, currency=currency, members=named.members,
        max_transfer=cap, allocation=form.allocation.data, transfers_per_year=per_year, transfer_days=days or 1,
        **fees, **currencies)
    return entered


def _whole(field, most: int) -> int | None:
    """A whole number from 1 to `most` typed in the field; None when it is empty, with a message on the
    field when it is not such a number."""
    text = (field.data or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= len(str(most)) and 1 <= int(text) <= most:
        return int(text)
    field.errors.append(_("Write a whole number from 1 to %(most)s.", most=most))
    return None


def refusal_lines(exc, entered: Entered) -> list[str]:
    """A refusal of the plan as lines for the page, each member's problem with where it was entered."""
    errors = getattr(exc, "errors", None) or {}
    lines = []
    members = errors.get("members") if isinstance(errors, dict) else None
    if isinstance(members, dict):
        for index, problems in members.items():
            member = entered.request.members[int(index)]
            for messages in problems.values():
                for message in messages:
                    lines.append(_("%(where)s: %(problem)s", where=entered.sources.get(member.ref, member.ref),
                                   problem=translate(message)))
    for name, messages in errors.items() if isinstance(errors, dict) else ():
        if name != "members":
            lines += [translate(m) for m in (messages if isinstance(messages, list) else [messages])]
    return lines or [translate(exc.args[0])]

