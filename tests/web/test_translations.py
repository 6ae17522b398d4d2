"""Every string a user sees has a Spanish and a French translation: this fails when one is missing."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("remit/**.py", "python"), ("remit/**/templates/**.html", "jinja2")]
KEYWORDS = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None, "msg": (2,), "msgn": (2, 3)}


def source_messages() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_message_is_translated(language):
    messages = source_messages()
    assert len(messages) > 150  # the extraction really read the templates and the code
    with open(ROOT / "remit" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    missing = sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string))
    fuzzy = sorted(m.id for m in catalog if m.id and m.fuzzy)
    assert missing == [], f"{language}: no translation for {missing[:10]}"
    assert fuzzy == [], f"{language}: fuzzy translations {fuzzy[:10]}"


@pytest.mark.parametrize("language", ["es", "fr"])
def test_placeholders_match(language):
    import re

    with open(ROOT / "remit" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    def names(text: str) -> list[str]:
        return sorted(set(re.findall(r"%\(\w+\)s", text)))

    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # Every form of a translation uses the placeholders of the English (a plural's "one" form may
        # drop the count, as "un día" does not need it; none may add one).
        expected = set().union(*(names(i) for i in ids))
        for string in strings:
            assert set(names(string)) <= expected, (message.id, string)
        assert set(names(strings[-1])) == expected, message.id


@pytest.mark.parametrize("language", ["es", "fr"])
def test_no_entry_is_written_twice(language):
    """The catalogues merge as a union: an entry added on two branches must not stay twice (Babel
    would keep one of the two silently)."""
    path = ROOT / "remit" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as fh:
        catalog = read_po(fh)
    written = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("msgid "))
    assert written == len(catalog) + 1, "an entry is written twice: run scripts/dedupe_catalogues.py"  # +1: header


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_survey_word_in_the_seeds_is_translated(app, language):
    """Every word RPW's files in the seeds name a service by (the 2025 quotes' instrument and access point,
    the 2011 workbook's payment instrument) is one remit writes in the reader's language, never shown as
    the survey wrote it: "Mobile phone" is "Teléfono móvil", "Téléphone mobile"."""
    import csv

    from flask_babel import force_locale

    from remit.i18n import rpw_word

    from ..conftest import SEEDS

    words = set()
    with open(SEEDS / "rpw" / "rpw_2025Q3_quotes_all_corridors.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            words.update((row["instrument"], row["access_point"]))
    with open(SEEDS / "rpw" / "rpw_raw_excerpt_EastAfrica_2011Q1.csv", encoding="utf-8-sig", newline="") as fh:
        words.update(row["PAYMENT INSTRUMENT"] for row in csv.DictReader(fh))
    words -= {"", "N/A"}  # RPW's "not applicable": left out of a service's name
    assert {"Mobile phone", "Post Office branch", "ATM Network", "Mobile money"} <= words
    with app.test_request_context(), force_locale(language):
        missing = sorted(word for word in words if rpw_word(word) is None)
        assert not missing
        shown = {word: rpw_word(word) for word in ("Mobile phone", "Post Office branch", "ATM Network")}
    assert shown == {"es": {"Mobile phone": "Teléfono móvil", "Post Office branch": "Oficina de correos",
                            "ATM Network": "Red de cajeros automáticos"},
                     "fr": {"Mobile phone": "Téléphone mobile", "Post Office branch": "Bureau de poste",
                            "ATM Network": "Réseau de guichets automatiques"}}[language]
