"""Messages: English text with a code, a template and the parameters it was filled with."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from remit.domain.messages import _plain, msg, msgn


def test_a_message_is_its_english_text_and_keeps_what_filled_it():
    text = msg("member_better_alone_in", "joining would cost %(currency)s %(share)s, more than %(alone)s (%(pct)s%%)",
               currency="CAD", share=D("12.34"), alone=D("1E+1"), pct=D("0.000001"))
    assert text == "joining would cost CAD 12.34, more than 10 (0.000001%)"
    assert text.code == "member_better_alone_in" and text.params["share"] == D("12.34")
    assert text.plural is None and text.count is None
    several = msgn("n", "one member", "%(count)s members of %(names)s", 3, names=["a", "b"])
    assert several == "3 members of a, b" and several.plural == "%(count)s members of %(names)s"
    assert several.count == 3


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_decimals_are_written_in_plain_digits_as_format_f_writes_them(value):
    assert _plain(value) == format(value, "f")
