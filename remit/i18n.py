"""Languages: English, Spanish and French, chosen by ?lang=, then the session, then Accept-Language.

Numbers, money and dates are formatted for the chosen locale with Babel.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask, g, request, session

from .codes import minor_unit
from .domain import caveats
from .domain.messages import Amount, Message
from .inputs import amount_examples
from .domain.money import rate_places, round_money, round_pct, round_rate, shown_rate
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale, get_translations

LANGUAGES = {"en": "English", "es": "Español", "fr": "Français"}


def _l(text: str) -> str:
    """Marks a text of the tables below for the catalogues (`pybabel extract -k _l`); it is said in the
    reader's language where it is shown (`label`, `rpw_word`), through the catalogue kept for the request."""
    return text


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(list(LANGUAGES), default="en")


# Babel rounds half to even; remit rounds half up, once (remit.domain.money), and Babel only formats.


def money(value: Decimal | str | None, currency: str) -> str:
    if value is None or value == "":
        return "—"
    rounded = round_money(Decimal(value), minor_unit(currency))
    return format_currency(rounded, currency, locale=get_locale(), decimal_quantization=False)


def number(value: Decimal | str | None, places: int = 2) -> str:
    if value is None or value == "":
        return "—"
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(round_rate(Decimal(value), places), format=pattern, locale=get_locale())


def percent(value: Decimal | str | None) -> str:
    """'4.19' → '4,19 %' in French, '4.19%' in English: the locale's own percent sign spacing."""
    if value is None or value == "":
        return "—"
    text = format_decimal(round_pct(Decimal(value)), format="#,##0.00", locale=get_locale())
    return f"{text}\u00a0%" if str(get_locale()) == "fr" else f"{text}%"


def rate(value: Decimal | str | None) -> str:
    if value is None or value == "":
        return "—"
    value = shown_rate(Decimal(value))
    return format_decimal(value, format="#,##0." + "#" * rate_places(value), locale=get_locale())


def day(value) -> str:
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return quarter(value)  # a survey quarter such as 2025Q3
    return format_date(value, format="medium", locale=get_locale())


def month(value: str | None) -> str:
    """A month (YYYY-MM) as the reader's language writes it: November 2026, noviembre de 2026, novembre 2026."""
    if not value:
        return "—"
    try:
        first = dt.date(int(value[:4]), int(value[5:7]), 1)
    except ValueError:
        return value
    return format_skeleton("yMMMM", first, locale=get_locale())


LABELS = {
    "cash": _l("cash"), "bank_account": _l("bank account"), "debit_card": _l("debit card"),
    "credit_card": _l("credit card"), "online": _l("online"), "mobile_wallet": _l("mobile wallet"),
    "cash_pickup": _l("cash pickup"), "home_delivery": _l("home delivery"),
    "under_1h": _l("within an hour"), "same_day": _l("same day"), "next_day": _l("next day"),
    "2_days": _l("2 days"), "3_5_days": _l("3 to 5 days"), "6_days_plus": _l("6 days or more"),
    "bank": _l("bank"), "mto": _l("money transfer operator"), "post": _l("post office"),
    "mobile": _l("mobile operator"), "credit_union": _l("credit union"), "other": _l("other"),
    "passport": _l("passport"), "consular_id": _l("consular ID"), "drivers_licence": _l("driver's licence"),
    "permanent_resident_card": _l("permanent resident card"), "work_permit": _l("work permit"),
    "national_id": _l("national ID card"),
    # What the admin pages list: kinds of import, their results, preview actions and audited actions.
    "fees": _l("fee table"), "rates": _l("reference rates"), "rpw": _l("RPW survey"),
    "applied": _l("applied"), "no_change": _l("no change"), "dry_run": _l("dry run"), "rejected": _l("rejected"),
    "add": _l("add"), "change": _l("change"), "retire": _l("retire"),
    "API key created": _l("API key created"), "API key revoked": _l("API key revoked"),
    "bundle group saved": _l("group saved"), "logged in": _l("logged in"), "logged out": _l("logged out"),
    "login locked": _l("login locked"), "password changed": _l("password changed"),
    "provider changed": _l("provider changed"), "user activated": _l("login activated"),
    "user deactivated": _l("login deactivated"), "user created": _l("login created"),
    "import applied": _l("import applied"), "import reverted": _l("import reverted"),
    # The season ledger: how the fees are split, how money was handed over, where a payout stands, how
    # it was confirmed, and what the audit log records.
    "pro_rata": _l("by amount sent (pro rata)"), "equal": _l("in equal shares"),
    "bank_transfer": _l("bank transfer"), "e_transfer": _l("e-transfer"), "cheque": _l("cheque"),
    "payroll": _l("payroll deduction"), "pending": _l("pending"), "paid": _l("paid"), "returned": _l("returned"),
    "signed_receipt": _l("signed receipt"), "bank_statement": _l("bank statement"), "phone": _l("phone call"),
    "in_person": _l("in person"), "message": _l("message"),
    "ledger cycle created": _l("ledger: cycle created"), "ledger cycle completed": _l("ledger: cycle completed"),
    "ledger contribution recorded": _l("ledger: contribution recorded"),
    "ledger contribution changed": _l("ledger: contribution changed"),
    "ledger contribution removed": _l("ledger: contribution removed"),
    "ledger wire recorded": _l("ledger: wire recorded"), "ledger wire removed": _l("ledger: wire removed"),
    "ledger payout recorded": _l("ledger: payout recorded"), "ledger payout changed": _l("ledger: payout changed"),
    "ledger payout removed": _l("ledger: payout removed"), "ledger terms changed": _l("ledger: fee per family changed"),
    "ledger correction": _l("ledger: correction"), "ledger exported": _l("ledger: exported for an auditor"),
    "ledger personal data erased": _l("ledger: personal data erased"),
    # Observed prices: how a price was observed, where an observation's review stands, what is audited.
    "website": _l("website"), "app": _l("mobile app"), "submitted": _l("not reviewed yet"),
    "approved": _l("approved"), "observation recorded": _l("observation recorded"),
    "observation approved": _l("observation approved"), "observation rejected": _l("observation rejected"),
}


# The World Bank survey's words for how a service is paid in (its "instrument") and where (its "access
# point"), which name a surveyed service ("Bank account transfer · Internet"): the survey writes them
# in English, pages show them in the reader's language. Keyed by the text in lower case; a word not
# listed here is shown as the survey wrote it, marked as English (remit.web.format.DATA_LANGUAGE).
RPW_WORDS = {
    # Instruments
    "cash": _l("Cash"), "bank account transfer": _l("Bank account transfer"), "bank account": _l("Bank account"),
    "debit card": _l("Debit card"), "credit card": _l("Credit card"), "online": _l("Online"),
    "mobile": _l("Mobile"), "mobile wallet": _l("Mobile wallet"), "mobile money": _l("Mobile money"),
    "cash to cash": _l("Cash to cash"), "cash to account": _l("Cash to account"),
    "account to cash": _l("Account to cash"), "account to account": _l("Account to account"),
    "account to account (same bank)": _l("Account to account (same bank)"),
    "account to account (other bank)": _l("Account to account (other bank)"),
    # Access points
    "agent": _l("Agent"), "bank branch": _l("Bank branch"), "branch": _l("Branch"), "call center": _l("Call Center"),
    "call centre": _l("Call Center"), "internet": _l("Internet"), "mobile app": _l("Mobile app"),
    "post office": _l("Post office"), "atm": _l("ATM"), "kiosk": _l("Kiosk"),
    # ... as RPW's 2025 survey writes them (its quotes file for every corridor)
    "mobile phone": _l("Mobile phone"), "post office branch": _l("Post office branch"),
    "atm network": _l("ATM network"),
    # A surveyed service the survey names by neither
    "service": _l("service"),
}


def rpw_word(text: str) -> str | None:
    """One of the survey's words in the reader's language; None for a word remit does not know."""
    found = RPW_WORDS.get(text.strip().lower())
    return None if found is None else translations().ugettext(found)


def label(code: str | None) -> str:
    """A code such as cash_pickup in the reader's language."""
    if not code:
        return "—"
    if code.startswith("reverts #"):  # an import run's result: "reverts #12"
        from flask_babel import gettext

        return gettext("reverts import %(run)s", run=code.removeprefix("reverts "))
    found = LABELS.get(code)
    return code if found is None else translations().ugettext(found)


def quarter(period: str | None) -> str:
    """A quarter as the reader's language writes it, the one way remit writes a quarter on its pages:
    2025Q3 is "Q3 2025" in English, "T3 2025" in Spanish and French (the glossary says what it spans)."""
    if not period:
        return "—"
    from flask_babel import gettext

    try:
        first, _last = caveats.quarter_bounds(period)
    except ValueError:
        return period
    return gettext("Q%(quarter)s %(year)s", quarter=str((first.month - 1) // 3 + 1), year=str(first.year))


def age_words(age: caveats.Age) -> str:
    """How long ago, in days, months or years: "14 months"."""
    from flask_babel import ngettext

    if age.unit == "days":
        return ngettext("%(num)s day", "%(num)s days", age.count)
    if age.unit == "months":
        return ngettext("%(num)s month", "%(num)s months", age.count)
    return ngettext("%(num)s year", "%(num)s years", age.count)


def translations():
    """The catalogue of the language in force: the request's, or the one a `force_locale` sets (a slip in
    a member's language). Flask-Babel finds it anew at every call, through some twenty context-local and
    attribute lookups, and a corridor page says some 250 things; it is kept here beside the locale it
    belongs to, on Flask-Babel's own state for the request, and found again whenever that locale changes."""
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        held = getattr(state, "remit_translations", None)
        if held is not None and held[0] is locale:
            return held[1]
    found = get_translations()
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        state.remit_translations = (locale, found)
    return found


def translate(value) -> str:
    """A message in the reader's language: a `Message` by its template, with its parameters
    formatted as the language writes them; any other value as it is."""
    if not isinstance(value, Message):
        return "" if value is None else str(value)
    catalogue = translations()
    if value.plural is not None:
        template = catalogue.ungettext(value.template, value.plural, value.count)
    else:
        template = catalogue.ugettext(value.template)
    return template % {name: _localised(param) for name, param in value.params.items()}


def _localised(param):
    if isinstance(param, Message):
        return translate(param)
    if isinstance(param, caveats.Quarter):
        return quarter(param)
    if isinstance(param, bool):
        return str(param)
    if isinstance(param, Amount):  # money, its digits grouped as the language groups them
        places = max(0, -param.as_tuple().exponent) if param.is_finite() else 0
        return format_decimal(param, format="#,##0" + ("." + "0" * places if places else ""), locale=get_locale(),
                              decimal_quantization=False)
    if isinstance(param, Decimal):  # ints (row numbers, counts) are shown as they are
        # As written, without grouping: a band's 2000.00 stays 2000,00 in Spanish, as the file has it.
        places = max(0, -param.as_tuple().exponent) if param.is_finite() else 0
        return format_decimal(param, format="0" + ("." + "0" * places if places else ""), locale=get_locale(),
                              decimal_quantization=False)
    if isinstance(param, dt.date):
        return format_date(param, format="medium", locale=get_locale())
    if isinstance(param, (list, tuple)):
        return ", ".join(str(_localised(p)) for p in param)
    return param


def sentence(text) -> str:
    """A clause (a reason such as "joining would cost…") as a sentence of its own, in any language: its
    first letter a capital, a full stop at its end unless it ends a sentence already."""
    text = str(text).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def register(app: Flask) -> None:
    # Templates say their texts through the catalogue kept for the request (Flask-Babel's own callables
    # look it up anew for each text).
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda text, plural, n: translations().ungettext(text, plural, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, text, plural, n: translations().unpgettext(context, text, plural, n),
        newstyle=True)
    app.jinja_env.filters.update(money=money, number=number, percent=percent, rate=rate, day=day, label=label,
                                 t=translate, quarter=quarter, month=month, age_words=age_words, sentence=sentence)

    @app.before_request
    def choose_language_afresh():
        # Flask-Babel keeps the locale on g, which lives as long as the app context; a context
        # reused for several requests (as tests do) must not carry one request's language to the next.
        from flask_babel import refresh

        refresh()

    @app.context_processor
    def languages():
        import datetime as dt

        return {"languages": LANGUAGES, "current_language": str(get_locale()), "today": dt.date.today(),
                "lang_url": lang_url, "amount_examples": lambda: amount_examples(str(get_locale()))}


def lang_url(code: str) -> str:
    """This page in another language (a page reached by a form post: its empty form)."""
    from flask import url_for
    from werkzeug.routing import BuildError

    # A repeated argument (a guide's amounts) is kept whole.
    args = {key: values if len(values) > 1 else values[0] for key, values in request.args.lists()} | {"lang": code}
    if request.method == "GET" and request.endpoint:
        try:
            return url_for(request.endpoint, **(request.view_args or {}), **args)
        except BuildError:
            pass
    if request.method != "GET" and request.endpoint:
        try:
            return url_for(request.endpoint, lang=code)
        except BuildError:
            pass
    return url_for("compare.index", lang=code)
