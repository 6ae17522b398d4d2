"""Every rule for reading what people and programs send remit, and every limit, in one place.

Forms, pasted lists, uploaded files, the API and the command line read numbers through the two
functions here, so a number means the same wherever it is typed:

- `parse_plain_decimal` — files, the API and the command line: plain digits with an optional sign and
  one decimal point (`300.50`, `-0.41`). No thousands separators, no decimal comma, no exponent: a
  file declares no language, and `1,000` could be a thousand or one.
- `parse_amount` — web forms and pasted lists: the page language's own way of writing numbers
  (en `1,000.50`, es `1.000,50`, fr `1 000,50`), read with Babel's strict parsing, and always plain
  `300.50`, which shareable links use. When the two readings disagree and the currency can hold both,
  the amount is refused as ambiguous; a reading the currency cannot hold (more decimals than its minor
  unit) is not a reading. No amount is ever read as another number.

Only the ASCII digits 0–9 count (Python's Decimal would also read ٣٠٠). Every refusal is an
`InputError` whose `message` shows what was typed (cut to `QUOTE_LIMIT` characters) and the forms
that are accepted.
"""
from __future__ import annotations

import json
import re
from itertools import accumulate
from urllib.parse import unquote, urlsplit
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from . import codes
from .domain.messages import Message, msg

# --- Limits ---------------------------------------------------------------------------------------
MAX_AMOUNT = Decimal(1_000_000)  # a send amount, a member's share, a fee typed in a form or the API
MAX_FEE_TABLE_AMOUNT = Decimal(100_000_000)  # no transfer product lists a band above 100 million
MAX_SURVEY_NUMBER = Decimal("99999999999999")  # RPW amounts and rates (TZS, VND run into millions)
MAX_PERCENT = Decimal(100)  # a fee percent or an FX margin, either way
MAX_MEMBERS = 1000  # members of one bundle
MAX_TRANSFERS = 1000  # transfers of one bundle plan
MAX_NUMBER_LENGTH = 40  # characters of one number as typed
QUOTE_LIMIT = 60  # characters of a typed value quoted back in a message
MAX_REF_LENGTH = 64  # a member's reference
MAX_PRODUCT_NAME_LENGTH = 200  # a member's service as named in a bundle request (a product id or its name)
MAX_TRANSFERS_PER_YEAR = 366
MAX_TRANSFER_DAYS = 31  # the days a plan's transfers may be made on: one, or as many as the coordinator chooses
# The season ledger: what a wire or a payout may hold in any currency (GTQ counts in hundreds of
# thousands where CAD counts in tens of thousands; the columns hold 14 digits before the point), a rate,
# and the texts typed beside the figures.
MAX_LEDGER_AMOUNT = Decimal(1_000_000_000_000)
MAX_RATE = Decimal(1_000_000)
MAX_RECEIPT_LENGTH = 120  # a receipt or a bank reference
MAX_CONFIRMED_BY_LENGTH = 120
MAX_REASON_LENGTH = 500  # why a completed cycle's entry is corrected
MAX_LEDGER_WIRES = 1000  # wires of one cycle, as many as a plan may hold (MAX_TRANSFERS)
LEDGER_RETENTION_YEARS = 5  # default of REMIT_LEDGER_RETENTION_YEARS: Canada's MSBs keep records five years

_SPACES = "\u0020\u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space
_ALLOWED = re.compile(rf"[+-]?[0-9.,{_SPACES}]+")
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SPACE_GROUPED = re.compile(rf"[+-]?[0-9]{{1,3}}(?:[{_SPACES}][0-9]{{3}})+(?:[.,][0-9]*)?")
_EXPONENT = re.compile(r"[+-]?[0-9.,]*[0-9][eE][+-]?[0-9]+")


class InputError(ValueError):
    """A value that cannot be read as meant; `message` says why, for a person."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """What was typed, as a message may quote it: cut short, never the whole of a huge value."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def decimals(number: Decimal) -> int:
    """Decimal places that matter: 300.50 has 1, 300.505 has 3, 300 has 0."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def written_places(number: Decimal) -> int:
    """Decimal places as written: 1.000 has 3 (a currency with 2 cannot be written so)."""
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _non_ascii_digit(text: str) -> bool:
    return not text.isascii() and any(ch.isdigit() and not "0" <= ch <= "9" for ch in text)


def _common_refusal(text: str, shown: str) -> InputError | None:
    if len(text) > MAX_NUMBER_LENGTH:
        return InputError(msg("number_too_long", "“%(typed)s” is too long to be a number.", typed=shown))
    if _non_ascii_digit(text):
        return InputError(msg("number_digits", "Write “%(typed)s” with the digits 0 to 9.", typed=shown))
    if _EXPONENT.fullmatch(text):
        return InputError(msg("number_exponent",
                              "Write “%(typed)s” in plain digits, without an exponent (1000, not 1e3).",
                              typed=shown))
    return None


def parse_plain_decimal(text) -> Decimal:
    """A number written as plain text: digits, an optional sign and one decimal point."""
    if type(text) is str and len(text) <= MAX_NUMBER_LENGTH and _PLAIN.fullmatch(text):
        # Plainly a number (no space, no other digits, no exponent): what _read_plain_decimal returns
        # for it, without its checks (a thousand members' amounts in a third of the time).
        return Decimal(text)
    return _read_plain_decimal(text)


def _read_plain_decimal(text) -> Decimal:
    raw = "" if text is None else str(text)
    stripped = raw.strip()
    shown = quoted(stripped)
    if not stripped:
        raise InputError(msg("number_missing", "A number is required."))
    refusal = _common_refusal(stripped, shown)
    if refusal is not None:
        raise refusal
    if not any("0" <= ch <= "9" for ch in stripped):
        raise InputError(msg("not_a_number", "'%(typed)s' is not a number", typed=shown))
    if not _PLAIN.fullmatch(stripped):
        raise InputError(msg(
            "number_not_plain",
            "“%(typed)s” is not a plain number: write digits with a point for decimals and no thousands "
            "separator, e.g. 1234.50.", typed=shown))
    return Decimal(stripped)


def amount_examples(locale: str) -> tuple[str, str]:
    """How this language writes 12,345.50, with and without a thousands separator."""
    sample = Decimal("12345.50")
    return (format_decimal(sample, format="#,##0.00", locale=locale),
            format_decimal(sample, format="0.00", locale=locale))


def _readings(text: str, locale: str) -> set[Decimal]:
    """Every number the text can mean: in the page's language, and as plain digits with a point."""
    found: set[Decimal] = set()
    compact = text
    if any(ch in _SPACES for ch in text):
        # Spaces only ever group thousands (French writes 1 000): valid groups of three, or nothing.
        if not _SPACE_GROUPED.fullmatch(text):
            return found
        compact = "".join(ch for ch in text if ch not in _SPACES)
    if _PLAIN.fullmatch(compact):
        found.add(Decimal(compact))
    try:
        found.add(parse_decimal(compact, locale=locale, strict=True))
    except (NumberFormatError, InvalidOperation, ValueError):
        pass
    return found


def parse_amount(text, locale: str, currency: str | None = None, *, allow_zero: bool = False,
                 maximum: Decimal = MAX_AMOUNT, number: bool = False) -> Decimal:
    """An amount typed by a person on a page in `locale` (en, es, fr), in `currency` when known.
    `number`: the text of a number a workbook holds (plain digits with a point, whatever the
    language), read as that number; a refusal still speaks the reader's language."""
    raw = "" if text is None else str(text)
    stripped = raw.strip(_SPACES + "\t\r\n")
    shown = quoted(stripped)
    locale = str(locale or "en")
    grouped, plain = amount_examples(locale)
    if not stripped:
        raise InputError(msg("amount_missing", "Enter an amount."))
    refusal = _common_refusal(stripped, shown)
    if refusal is not None:
        raise refusal
    readings = _readings(stripped, "en" if number else locale) if _ALLOWED.fullmatch(stripped) else set()
    if not readings:
        raise InputError(msg(
            "amount_unreadable",
            "“%(typed)s” cannot be read as an amount. Write it like %(grouped)s or %(plain)s.",
            typed=shown, grouped=grouped, plain=plain))
    places = codes.minor_unit(currency) if currency else None
    held = {r for r in readings if places is None or written_places(r) <= places}
    if not held:
        raise InputError(msg(
            "amount_decimals",
            "“%(typed)s” has more decimals than %(currency)s has (%(places)s). Write it like %(grouped)s "
            "or %(plain)s.", typed=shown, currency=currency, places=places, grouped=grouped, plain=plain))
    if len(held) > 1:
        low, high = sorted(held)
        raise InputError(msg(
            "amount_ambiguous",
            "“%(typed)s” can be read as %(low)s or as %(high)s. Write it without a thousands separator, "
            "like %(plain)s.", typed=shown, low=low, high=high, plain=plain))
    value = held.pop()
    if value < 0 or (value == 0 and not allow_zero):
        raise InputError(msg("amount_not_positive", "The amount must be more than zero."))
    if value > maximum:
        raise InputError(msg("amount_too_large", "The amount is too large: at most %(maximum)s.",
                             maximum=maximum))
    return value


def check_places(value: Decimal, currency: str) -> None:
    """Refuse an amount with more decimals than the currency's minor unit (CAD 2, JPY 0)."""
    places = codes.minor_unit(currency)
    if decimals(value) > places:
        raise InputError(msg("currency_decimals", "has more decimals than %(currency)s allows (%(places)s)",
                             currency=currency, places=places))


# --- Requests -------------------------------------------------------------------------------------
MAX_UPLOAD_BYTES = 16 * 1024 * 1024  # a request body with a file (imports, member lists)
MAX_JSON_BYTES = 1024 * 1024  # a JSON request body: 1,000 members take about 150 KB
MAX_JSON_DEPTH = 32  # nesting of arrays and objects in a JSON body (a bundle request has 3)
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds (PostgreSQL): larger ids name nothing
QUOTES_PAGE_SIZE = 50  # quotes per page of GET /api/v1/quotes unless page_size says otherwise
QUOTES_MAX_PAGE_SIZE = 100
LEDGER_GROUPS_PER_PAGE = 50  # saved groups per page of /ledger
MAX_NEXT_LENGTH = 2000  # characters of the address a login sends the browser back to


class JSONRefused(InputError):
    """A JSON text remit will not read; the message says why (answered 400)."""

    status = 400


# Nesting is counted on the brackets outside strings. A string runs to its closing quote or, never
# closed (which the parser then refuses), to the end; the quantifiers are possessive, so that no text
# makes the expression try again from every quote (a body of '"\\' repeated took hours).
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _deeper_than(text: str, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`: strings and everything but brackets taken
    away by regular expressions, the running depth summed by itertools (no step of Python per token)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return bool(brackets) and max(accumulate(map(_BRACKET_STEP.__getitem__, brackets))) > limit


_CONTAINERS = (dict, list)  # what json.loads makes arrays and objects into


def _nested_deeper_than(value, limit: int) -> bool:
    """Whether a parsed JSON value nests arrays and objects deeper than `limit`: the same count as
    _deeper_than makes on its text (each bracket outside strings is one array or object), made on the
    containers alone, level by level, without reading the strings again."""
    return _shape(value, limit)[0]


def _shape(value, limit: int) -> tuple[bool, int]:
    """(whether the value nests deeper than `limit`, how many keys its objects hold), in one walk."""
    level = [value] if type(value) in _CONTAINERS else []
    depth = keys = 0
    while level:
        depth += 1
        if depth > limit:
            return True, keys
        keys += sum(len(container) for container in level if type(container) is dict)
        level = [item for container in level for item in (container.values() if type(container) is dict else container)
                 if type(item) in _CONTAINERS]
    return False, keys


def _number(kind):
    def parse(text: str):
        if len(text) > MAX_NUMBER_LENGTH:
            raise JSONRefused(msg("json_number_too_long", "A number in the JSON body has %(length)s characters; "
                                  "at most %(limit)s are read.", length=len(text), limit=MAX_NUMBER_LENGTH))
        return kind(text)
    return parse


def _constant(name: str):
    raise JSONRefused(msg("json_not_a_number", "'%(name)s' is not a JSON number.", name=name))


def _object(pairs: list, dict=dict, len=len) -> dict:  # noqa: A002 — bound once: called for every object
    """A JSON object, refused when it gives a key twice: Python's reader keeps the last of the two, so
    `{"amount": "300", "amount": "-1"}` would be read as -1 without a word (RFC 8259 leaves it open)."""
    value = dict(pairs)
    if len(value) != len(pairs):
        seen = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise JSONRefused(msg("json_key_twice", "The JSON body gives the key '%(key)s' twice in one object; give "
                              "each key once.", key=quoted(twice)))
    return value


def read_json(text: str | bytes):
    """A JSON document, refusing what would cost more than its size to read (nesting deeper than
    MAX_JSON_DEPTH, numbers longer than MAX_NUMBER_LENGTH characters) and what remit never takes:
    NaN and Infinity, the NUL character, a key given twice in one object."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONRefused(msg("json_not_utf8", "The JSON body is not UTF-8 text.")) from None
    # NUL as it is or escaped (\u0000, and \U0000, which JSON does not allow, refused as NUL all the same):
    # plain searches, a sixth of the time a regular expression took on a bundle of 1,000 members.
    if "\x00" in text or "\\u0000" in text or "\\U0000" in text:
        raise JSONRefused(msg("json_nul", "The JSON body contains the NUL character (\\u0000), which remit does "
                              "not read."))
    # The depth is counted on the parsed value when the text parses (a tenth of the time the text's
    # brackets take), and on the text when it does not, so that a body both too deep and otherwise
    # refused is refused for its depth, as the text's count alone did. Parsing first costs no more than
    # the body's size: the parser refuses nesting beyond the recursion limit (RecursionError).
    try:
        value = json.loads(text, parse_int=_number(int), parse_float=_number(float), parse_constant=_constant)
    except (json.JSONDecodeError, JSONRefused, RecursionError) as exc:
        if _deeper_than(text, MAX_JSON_DEPTH):
            raise _too_deep() from None
        if isinstance(exc, json.JSONDecodeError):
            raise JSONRefused(msg("json_invalid", "The body is not valid JSON: %(problem)s (line %(line)s, column "
                                  "%(column)s).", problem=exc.msg, line=exc.lineno, column=exc.colno)) from None
        raise
    too_deep, keys = _shape(value, MAX_JSON_DEPTH)
    if too_deep:
        raise _too_deep()
    # Each key of the text has one colon after it, and a colon outside strings is always a key's: when
    # the text holds no more colons than the objects read hold keys, no key was given twice. Otherwise
    # (a colon inside a string, or a key twice) the text is read again, object by object.
    if text.count(":") != keys:
        json.loads(text, parse_int=_number(int), parse_float=_number(float), object_pairs_hook=_object)
    return value


def _too_deep() -> JSONRefused:
    return JSONRefused(msg("json_too_deep", "The JSON body nests arrays and objects deeper than %(limit)s levels.",
                           limit=MAX_JSON_DEPTH))


def record_id(text) -> int | None:
    """An id from a URL or a query string: a whole number from 1 to MAX_ID, else None (names nothing)."""
    text = "" if text is None else str(text).strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def page_number(text, pages: int) -> int | None:
    """A page asked for in a query string: 1 when absent, else a whole number from 1 to `pages`;
    None for anything else (no such page)."""
    if text is None or str(text).strip() == "":
        return 1
    value = record_id(text)
    return value if value is not None and value <= max(1, pages) else None



def _unsafe_for_a_path(text: str) -> bool:
    parts = urlsplit(text)
    return (not text.startswith("/") or text.startswith("//") or bool(parts.scheme) or bool(parts.netloc)
            or any(ch.isspace() or ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text))


def same_site_path(target) -> str | None:
    """`target` when it is a path on this site (as ?next= after a login), else None.

    Browsers drop tabs and line breaks from an address and read a backslash as a slash, so
    `/\t/evil.example` and `/\\evil.example` lead off-site as `//evil.example` does: any of these refuse
    the target, in it as given and once its percent-escapes are undone (as often as they nest), so
    `/%2F%2Fevil.example` and `/%252F…` are refused too."""
    if not target:
        return None
    text = str(target)
    if len(text) > MAX_NEXT_LENGTH:
        return None
    decoded = text
    for _ in range(4):  # %2525252F is still a slash: undo escapes until nothing changes
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    else:
        return None
    if _unsafe_for_a_path(text) or _unsafe_for_a_path(decoded):
        return None
    return text


__all__ = [
    "InputError", "JSONRefused", "LEDGER_RETENTION_YEARS", "MAX_AMOUNT", "MAX_CONFIRMED_BY_LENGTH",
    "MAX_FEE_TABLE_AMOUNT", "MAX_ID", "MAX_JSON_BYTES", "MAX_JSON_DEPTH", "MAX_LEDGER_AMOUNT",
    "MAX_LEDGER_WIRES", "MAX_MEMBERS", "MAX_NUMBER_LENGTH", "MAX_PERCENT", "MAX_PRODUCT_NAME_LENGTH", "MAX_RATE",
    "MAX_REASON_LENGTH",
    "MAX_RECEIPT_LENGTH", "MAX_REF_LENGTH", "MAX_SURVEY_NUMBER", "MAX_TRANSFER_DAYS", "MAX_TRANSFERS",
    "MAX_TRANSFERS_PER_YEAR",
    "LEDGER_GROUPS_PER_PAGE", "MAX_UPLOAD_BYTES", "QUOTES_MAX_PAGE_SIZE", "QUOTES_PAGE_SIZE", "QUOTE_LIMIT", "check_places", "decimals",
    "page_number", "parse_amount", "parse_plain_decimal", "quoted", "read_json", "record_id",
    "same_site_path",
]
