"""Messages for people: English text that also carries a stable code and its parameters.

A rule that refuses or qualifies something says why with `msg(code, template, **params)`. The result
is a `str` whose value is the English text, so logs, the command line and the API use it as it is;
the web edge translates its template into the page's language and fills in the parameters there
(`remit.i18n.translate`, the Jinja filter `|t`), formatting numbers the way that language writes them.

`msg` and `msgn` are Babel extraction keywords (`msg:2`, `msgn:2,3`): every template reaches the
catalogues. Templates use Python's %(name)s placeholders; a literal percent sign is written %%.
"""
from __future__ import annotations

from decimal import Decimal

_str_new = str.__new__


class Message(str):
    """English text with `code`, `template` (the msgid), `plural` and `count` (for msgn) and `params`."""

    code: str
    template: str
    plural: str | None = None  # set on the message only when it has one (a plan makes a thousand messages)
    count: int | None = None
    params: dict

    def __new__(cls, code: str, template: str, params: dict, plural: str | None = None,
                count: int | None = None):
        shown = params  # copied only if a parameter is shown otherwise than as it is
        for name, value in params.items():  # english(value), its two commonest cases inline
            kind = type(value)
            if kind is not str:
                if shown is params:
                    shown = dict(params)
                shown[name] = _plain(value) if kind is Decimal else english(value)
        text = _str_new(cls, (template if plural is None or count == 1 else plural) % shown)
        text.code = code
        text.template = template
        text.params = params
        if plural is not None:
            text.plural = plural
            text.count = count
        return text

    def __reduce__(self):
        return (Message, (self.code, self.template, self.params, self.plural, self.count))


class Amount(Decimal):
    """A sum of money in a message, already rounded to its currency's minor unit: a page writes it with
    its digits grouped as the reader's language groups them (CAD 10,000.00; 10.000,00 CAD in Spanish),
    where a plain Decimal parameter (an amount as a file or a form has it) is written as it is. The
    English text (the API, logs) writes it plainly, as any Decimal: 10000.00."""

    __slots__ = ()


def english(value) -> str | int:
    """A parameter as the English text shows it: decimals in plain digits, lists joined by commas."""
    if type(value) is str:
        return value
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(english(v)) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return str(value)


def _plain(value: Decimal) -> str:
    """format(value, "f"): str() gives the same digits, three times as quickly, unless it would
    write an exponent."""
    text = str(value)
    return format(value, "f") if "E" in text else text


def msg(code: str, template: str, /, **params) -> Message:
    """Positional-only, so that a parameter may itself be called `code` or `template`."""
    return Message(code, template, params)


def msgn(code: str, singular: str, plural: str, count: int, /, **params) -> Message:
    """A message with a singular and a plural form, chosen by `count` (available as %(count)s)."""
    return Message(code, singular, {"count": count, **params}, plural=plural, count=count)


def code_of(text) -> str | None:
    return getattr(text, "code", None)
