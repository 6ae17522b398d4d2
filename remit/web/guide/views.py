"""The corridor guide's page: the amounts read as the reader writes them (up to three), the guide
from services.guide, and the QR code to the live corridor page."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ... import codes
from ...domain.errors import RemitError
from ...inputs import InputError, parse_amount
from ...services import guide as guide_service
from ...services.reference import find_corridor
from ..format import country_name
from .qr import qr_svg


def corridor_of(code: str):
    """The corridor a page's address names (CA-GT, any case); a 404 for any other."""
    send, _sep, receive = code.upper().partition("-")
    try:
        found = find_corridor(codes.country(send), codes.country(receive))
    except codes.CodeError:
        abort(404)
    if found is None:
        abort(404)
    return found


def read_amounts(texts: list[str], currency: str) -> tuple[list, list]:
    """The amounts asked for, each read in the page's language with the currency's decimals; and the
    problems, each with the amount's position (1 to 3) and what was typed."""
    amounts, problems = [], []
    if len(texts) > guide_service.MAX_AMOUNTS:
        problems.append((None, _("A guide shows at most %(num)s amounts.", num=guide_service.MAX_AMOUNTS)))
        return amounts, problems
    for position, text in enumerate(texts, start=1):
        try:
            amounts.append(parse_amount(text, str(get_locale()), currency))
        except InputError as exc:
            problems.append((position, exc.message))
    return amounts, problems


def guide(code: str):
    corridor = corridor_of(code)
    typed = request.args.getlist("amount")
    texts = [t for t in typed if t.strip()]
    amounts, problems = read_amounts(texts, corridor.send_currency)
    fields = (typed + ["", "", ""])[:guide_service.MAX_AMOUNTS]
    if problems:
        return render_template("guide/guide.html", corridor=corridor, guide=None, problems=problems,
                               fields=fields), 422
    try:
        found = guide_service.guide(corridor, amounts or None)
    except RemitError as exc:  # a corridor priced in no currency held, or too many amounts
        return render_template("guide/guide.html", corridor=corridor, guide=None, problems=[(None, exc.message)],
                               fields=fields), 422
    live = url_for("compare.corridor", code=corridor.code, _external=True)
    title = _("Sending money: %(send)s → %(receive)s", send=country_name(corridor.send_country),
              receive=country_name(corridor.receive_country))
    return render_template("guide/guide.html", corridor=corridor, guide=found, problems=[], live=live,
                           qr=qr_svg(live, title=title), fields=fields if found.chosen else ["", "", ""])
