"""The one rule for numbers typed by people (parse_amount) and sent by programs (parse_plain_decimal)."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from unittest import mock

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from remit import inputs
from remit.inputs import (MAX_ID, InputError, JSONRefused, _deeper_than, _nested_deeper_than, page_number,
                          parse_amount, parse_plain_decimal, read_json, record_id)

D = Decimal
REFUSED = None

# What each way of writing means on a page in each language, for CAD (2 decimals). None: refused.
TABLE = {
    #  typed        en           es           fr
    "1,000":    (D("1000"),   REFUSED,     REFUSED),
    "1.000":    (REFUSED,     D("1000"),   REFUSED),
    "1 000":    (D("1000"),   D("1000"),   D("1000")),
    "300,50":   (REFUSED,     D("300.50"), D("300.50")),
    "300.50":   (D("300.50"), D("300.50"), D("300.50")),
    "1,00":     (REFUSED,     D("1"),      D("1")),
    "٣٠٠":      (REFUSED,     REFUSED,     REFUSED),
    "1e3":      (REFUSED,     REFUSED,     REFUSED),
    "1.000,50": (REFUSED,     D("1000.50"), REFUSED),
    "1,000.50": (D("1000.50"), REFUSED,    REFUSED),
    "1\u202f000,50": (REFUSED, D("1000.50"), D("1000.50")),
}


@pytest.mark.parametrize("typed", list(TABLE))
@pytest.mark.parametrize("index,language", list(enumerate(["en", "es", "fr"])))
def test_each_way_of_writing_is_read_as_meant_or_refused(typed, index, language):
    expected = TABLE[typed][index]
    if expected is REFUSED:
        with pytest.raises(InputError) as refused:
            parse_amount(typed, language, "CAD")
        assert typed in str(refused.value.message)  # the message shows what was typed
    else:
        assert parse_amount(typed, language, "CAD") == expected


def test_refusals_show_the_accepted_forms_of_the_language():
    with pytest.raises(InputError) as en:
        parse_amount("300,50", "en", "CAD")
    assert str(en.value.message) == "“300,50” cannot be read as an amount. Write it like 12,345.50 or 12345.50."
    assert en.value.message.code == "amount_unreadable"
    with pytest.raises(InputError) as es:
        parse_amount("1,000", "es", "CAD")
    assert "12.345,50" in str(es.value.message) and es.value.message.code == "amount_decimals"


def test_a_reading_the_currency_cannot_hold_is_not_a_reading():
    # In Spanish 1.500 is fifteen hundred; as plain digits it would be 1.500, which CAD cannot hold...
    assert parse_amount("1.500", "es", "CAD") == 1500
    # ...but a dinar has three decimals: both readings are possible, so it is refused as ambiguous.
    with pytest.raises(InputError) as ambiguous:
        parse_amount("1.500", "es", "KWD")
    assert ambiguous.value.message.code == "amount_ambiguous"
    assert str(ambiguous.value.message).startswith("“1.500” can be read as 1.500 or as 1500.")
    with pytest.raises(InputError):
        parse_amount("300.5", "en", "JPY")  # yen have no decimals


@pytest.mark.parametrize("typed,code", [
    ("", "amount_missing"), ("   ", "amount_missing"), ("0", "amount_not_positive"),
    ("-5", "amount_not_positive"), ("1000001", "amount_too_large"), ("CAD 300", "amount_unreadable"),
    ("3" * 41, "number_too_long"), ("１２", "number_digits"), ("1,0000", "amount_unreadable"),
])
def test_refusals_name_the_problem(typed, code):
    with pytest.raises(InputError) as refused:
        parse_amount(typed, "en", "CAD")
    assert refused.value.message.code == code


def test_a_long_value_is_quoted_cut_short():
    with pytest.raises(InputError) as refused:
        parse_amount("9" * 5000, "en", "CAD")
    assert len(str(refused.value.message)) < 120


TWO_PLACE = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)


@given(amount=TWO_PLACE, written_in=st.sampled_from(["en", "es", "fr"]), read_in=st.sampled_from(["en", "es", "fr"]),
       grouped=st.booleans(), currency=st.sampled_from(["CAD", "USD", "GTQ", "MXN"]))
def test_an_amount_written_in_any_language_is_never_read_as_another_number(amount, written_in, read_in, grouped,
                                                                           currency):
    text = format_decimal(amount, format="#,##0.00" if grouped else "0.00", locale=written_in)
    try:
        read = parse_amount(text, read_in, currency)
    except InputError:
        assert written_in != read_in  # refusing is allowed only across languages
        return
    assert read == amount
    if written_in == read_in:
        assert parse_amount(text, read_in, currency) == amount


@given(amount=st.integers(min_value=1, max_value=1_000_000), written_in=st.sampled_from(["en", "es", "fr"]),
       read_in=st.sampled_from(["en", "es", "fr"]))
def test_whole_yen_are_never_misread(amount, written_in, read_in):
    text = format_decimal(amount, format="#,##0", locale=written_in)
    try:
        assert parse_amount(text, read_in, "JPY") == amount
    except InputError:
        assert written_in != read_in


@pytest.mark.parametrize("typed,value", [("300.50", D("300.50")), ("-0.41", D("-0.41")), ("+5", D("5")),
                                         (".5", D("0.5")), ("7", D("7")), (" 12.5 ", D("12.5"))])
def test_plain_numbers(typed, value):
    assert parse_plain_decimal(typed) == value


@pytest.mark.parametrize("typed,code", [
    ("1,000", "number_not_plain"), ("300,50", "number_not_plain"), ("1e3", "number_exponent"),
    ("1e-999999999", "number_exponent"), ("٣٠٠", "number_digits"), ("lots", "not_a_number"), ("", "number_missing"),
    ("1" * 5000, "number_too_long"), ("NaN", "not_a_number"), ("Infinity", "not_a_number"), ("1 000", "number_not_plain"),
])
def test_plain_numbers_refuse_everything_else(typed, code):
    with pytest.raises(InputError) as refused:
        parse_plain_decimal(typed)
    assert refused.value.message.code == code


def _plain_reading(read, text):
    try:
        return "read", read(text), str(read(text))
    except InputError as refused:
        return "refused", refused.message.code, str(refused.message)


# Plain numbers of every length up to past the limit (MAX_NUMBER_LENGTH, 40 characters).
PLAIN_TEXTS = st.tuples(st.sampled_from(["", "+", "-"]), st.sampled_from(range(46)).flatmap(
    lambda size: st.text("0123456789", min_size=size, max_size=size)), st.sampled_from(["", "."]),
    st.text("0123456789", max_size=3)).map("".join)


@given(PLAIN_TEXTS | st.text(alphabet="0123456789.+- e٣\u00a0", max_size=44) | st.integers() | st.none())
def test_a_plainly_written_number_is_read_as_the_checks_read_it(typed):
    """parse_plain_decimal takes a plain text's Decimal without its checks: the same reading (the same
    value written the same way) or the same refusal as the checks give."""
    assert _plain_reading(parse_plain_decimal, typed) == _plain_reading(inputs._read_plain_decimal, typed)


def test_json_is_read_within_its_limits():
    assert read_json(b'{"a": [1, 2.5, "x"], "b": null}') == {"a": [1, 2.5, "x"], "b": None}
    assert read_json("[" * 32 + "]" * 32) is not None  # 32 levels are read
    assert read_json('{"text": "' + "[" * 40 + '\\"["}') == {"text": "[" * 40 + '"['}  # brackets in strings
    assert read_json("1" * 40) == int("1" * 40)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # a JSON string (skipped whole) or a bracket


def _depth(text: str) -> int:
    """The deepest nesting, counted token by token (strings skipped): the plain rule."""
    depth = deepest = 0
    for token in _TOKEN.finditer(text):
        if token.group() in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token.group() in ("]", "}"):
            depth -= 1
    return deepest


@given(st.lists(st.sampled_from(["[", "]", "{", "}", ",", "1", '"[{"', '"\\"]"', ":"]), max_size=80),
       st.integers(0, 6))
def test_the_depth_check_agrees_with_counting_token_by_token(parts, limit):
    text = "".join(parts)
    assert _deeper_than(text, limit) == (_depth(text) > limit)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(alphabet="[]{}\\\"a", max_size=4),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner,
                                                                                       max_size=3), max_leaves=30)


@given(JSON_VALUES, st.integers(0, 6))
def test_the_depth_of_a_parsed_value_is_the_depth_of_its_text(value, limit):
    assert _nested_deeper_than(value, limit) == (_depth(json.dumps(value)) > limit)


def _outcome(read, text):
    try:
        return "read", read(text)
    except JSONRefused as refused:
        return "refused", refused.message.code


def _text_first(text):
    """read_json as it was: the depth counted on the text before it is parsed."""
    if _depth(text) > inputs.MAX_JSON_DEPTH:
        raise JSONRefused(inputs.msg("json_too_deep", "too deep"))
    try:
        return json.loads(text, parse_int=inputs._number(int), parse_float=inputs._number(float),
                          parse_constant=inputs._constant)
    except json.JSONDecodeError:
        raise JSONRefused(inputs.msg("json_invalid", "not JSON")) from None


@given(st.lists(st.sampled_from(["[", "]", "{", "}", ",", "1", "1" * 41, "NaN", '"[{"', '"\\"]"', ":", '"a"']),
                max_size=80), st.integers(0, 6))
def test_json_is_refused_for_the_same_reason_as_when_its_depth_was_counted_first(parts, limit):
    """read_json counts the depth on the parsed value when the text parses: a body both too deep and
    otherwise refused is still refused for its depth."""
    text = "".join(parts)
    with mock.patch.object(inputs, "MAX_JSON_DEPTH", limit):
        assert _outcome(read_json, text) == _outcome(_text_first, text)


@pytest.mark.parametrize("text,why", [
    ("[" * 33 + "]" * 33, "The JSON body nests arrays and objects deeper than 32 levels."),
    ("[" * 500 + "]" * 500, "The JSON body nests arrays and objects deeper than 32 levels."),
    ("[" * 33 + "1" * 41 + "]" * 33, "The JSON body nests arrays and objects deeper than 32 levels."),
    ("[" * 33 + "NaN", "The JSON body nests arrays and objects deeper than 32 levels."),
    ('{"a": "\\U0000"}', "The JSON body contains the NUL character (\\u0000), which remit does not read."),
    ('{"a": "\x00"}', "The JSON body contains the NUL character (\\u0000), which remit does not read."),
    ("[" * 1_000_000, "The JSON body nests arrays and objects deeper than 32 levels."),
    ("1" * 41, "A number in the JSON body has 41 characters; at most 40 are read."),
    ("-" + "1" * 40, "A number in the JSON body has 41 characters; at most 40 are read."),
    ("1e" + "9" * 39, "A number in the JSON body has 41 characters; at most 40 are read."),
    ("[NaN]", "'NaN' is not a JSON number."),
    ("-Infinity", "'-Infinity' is not a JSON number."),
    ('{"a": "\\u0000"}', "The JSON body contains the NUL character (\\u0000), which remit does not read."),
    ("{not json", "The body is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)."),
    (b"\xff", "The JSON body is not UTF-8 text."),
])
def test_json_beyond_its_limits_is_refused_saying_why(text, why):
    with pytest.raises(JSONRefused) as refused:
        read_json(text)
    assert str(refused.value) == why


def test_ids_stop_where_an_integer_column_does():
    assert record_id("1") == 1 and record_id(str(MAX_ID)) == MAX_ID == 2_147_483_647
    for text in (None, "", "0", "-1", "1.5", "abc", "²", "١٢", str(MAX_ID + 1), "9" * 5000):
        assert record_id(text) is None, text


def test_page_numbers_are_within_the_pages():
    assert page_number(None, 3) == 1 and page_number("", 3) == 1 and page_number("3", 3) == 3
    assert page_number("1", 0) == 1  # an empty list still has its first page
    for text in ("0", "4", "abc", "9" * 30):
        assert page_number(text, 3) is None, text


_JSON_KEYS = st.text(alphabet=st.sampled_from('ab:" \\é{}[],'), max_size=6)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(alphabet=st.sampled_from('x:"{}'), max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_JSON_KEYS, inner, max_size=4), max_leaves=20)


@given(_JSON_VALUES)
def test_json_without_a_key_twice_is_read_as_written(value):
    # Keys and strings full of colons, quotes and brackets: the colon count that spares the second
    # reading is only a shortcut, never a reason to refuse.
    assert inputs.read_json(json.dumps(value)) == value


@given(st.dictionaries(_JSON_KEYS, st.integers(), min_size=1, max_size=4), st.integers(0, 3),
       st.lists(st.sampled_from(["list", "object"]), max_size=3))
def test_json_with_a_key_twice_is_refused_naming_it(pairs, which, wrappers):
    key = sorted(pairs)[which % len(pairs)]
    text = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in pairs.items()) + f", {json.dumps(key)}: 0}}"
    for wrapper in wrappers:  # as deep inside the body as it may be
        text = f"[{text}]" if wrapper == "list" else f'{{"outer": {text}}}'
    with pytest.raises(inputs.JSONRefused) as refused:
        inputs.read_json(text)
    assert str(refused.value) == (f"The JSON body gives the key '{inputs.quoted(key)}' twice in one object; give "
                                  "each key once.")
