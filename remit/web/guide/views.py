"""The corridor guide's page: the amounts read as the reader writes them (up to three), the guide
from services.guide, and the QR code to the live corridor page."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ... import codes
from ...domain.errors import RemitError
from ...inputs import InputError, parse_amount
from ...services import catalog, pooling
from ...services import guide as guide_service
from ...services.reference import find_corridor
from ..format import country_name
from ..forms import corridor_of
from .qr import qr_svg


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
                           qr=qr_svg(live, title=title), fields=fields if found.chosen else ["", "", ""],
                           pooling_notes=pooling.notes_for(str(get_locale())))


def guides():
    """The guides of every corridor from one sending country, one after another, each starting a printed
    page: one PDF from the browser's print window for an orientation session (`send`, and `lang`)."""
    held = catalog.corridor_summaries()
    countries = sorted({c.send_country for c in held}, key=country_name)
    asked = request.args.get("send", "").strip()
    if not asked:
        return render_template("guide/guides.html", countries=countries, send=None, guides=[])
    try:
        send = codes.country(asked)
    except codes.CodeError:
        send = None
    codes_ = sorted((c.receive_country for c in held if c.send_country == send), key=country_name)
    if not codes_:
        problem = _("remit holds no corridor from “%(country)s”. Choose a sending country from the list.",
                    country=asked[:40])
        return render_template("guide/guides.html", countries=countries, send=None, guides=[],
                               problem=problem), 404 if send else 422
    built = []
    for receive in codes_:
        corridor = find_corridor(send, receive)
        try:
            found = guide_service.guide(corridor)
        except RemitError:  # a corridor priced in no currency held: left out, and said so
            built.append((corridor, None, None, None))
            continue
        live = url_for("compare.corridor", code=corridor.code, _external=True)
        title = _("Sending money: %(send)s → %(receive)s", send=country_name(corridor.send_country),
                  receive=country_name(corridor.receive_country))
        built.append((corridor, found, live, qr_svg(live, title=title)))
    return render_template("guide/guides.html", countries=countries, send=send, guides=built,
                           pooling_notes=pooling.notes_for(str(get_locale())))
