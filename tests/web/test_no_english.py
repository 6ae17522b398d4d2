"""Every page and error page in Spanish and French carries no English: no text of the English
catalogue, no English vocabulary label, no English sentence, none of the World Bank survey's words
for how a service is paid in and where ("Bank account transfer", "Cash", "Agent", "Call Center").
Provider, product and reference names, sources and other data are not translated (marked
translate="no" in the pages, or taken from the database here) and do not count."""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

from remit.extensions import db
from remit.i18n import LABELS
from remit.web.format import DATA_LANGUAGE
from remit.models import FeeTier, ImportRun, Product, Provider, ReferenceRate, SurveyObservation

from ..admin.test_admin_imports import PASSWORD, login, token
from ..conftest import ROOT
from ..importers.helpers import csv_bytes, fee_row

ENGLISH_WORDS = re.compile(r"\b(the|and|with|from|this|that|these|is|are|was|of|to|for|your|you|not|"
                           r"cannot|please|when|which|sending|amount|fee|rate|data|old|applied|added|changed|retired|unchanged|"
                           r"logged|import|fees|rates)\b", re.I)


def english_catalogue(language: str) -> list[str]:
    """Fragments of every English msgid whose translation differs, long enough not to be a word both
    languages share."""
    with open(ROOT / "remit" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    fragments = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if not msgid or msgid in strings:
                continue
            for part in re.split(r"%\(\w+\)s|%%|\n", msgid):
                part = part.strip(" .,:;()")
                if len(part) >= 14 and " " in part:
                    fragments.add(part)
    return sorted(fragments)


def translations(language: str) -> str:
    with open(ROOT / "remit" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    return "\n".join(s for m in catalog for s in (m.string if isinstance(m.string, tuple) else (m.string,)) if s)


def data_texts() -> list[str]:
    """Names and sources that are data, in any language the data is in."""
    texts = set()
    for provider in db.session.execute(select(Provider)).scalars():
        texts.add(provider.name)
    for product in db.session.execute(select(Product)).scalars():
        texts.add(product.name)
    for tier in db.session.execute(select(FeeTier)).scalars():
        texts.add(tier.source)
    for obs in db.session.execute(select(SurveyObservation)).scalars():
        texts.add(obs.firm)  # its instrument and access point are words pages translate (rpw_words)
    for rate in db.session.execute(select(ReferenceRate)).scalars():
        texts.add(rate.source)
    for run in db.session.execute(select(ImportRun)).scalars():
        texts.update((run.filename, run.actor, run.summary))
    return sorted((t for t in texts if t), key=len, reverse=True)


def rpw_words(language: str) -> list[str]:
    """The survey's words held (instruments and access points) that the language writes otherwise."""
    from remit.i18n import rpw_word

    words = set()
    for obs in db.session.execute(select(SurveyObservation)).scalars():
        words.update(t for t in (obs.instrument, obs.access_point) if t and t != "N/A")
    with force_locale(language):
        return sorted(word for word in words if rpw_word(word) != word)


class _PageWords(HTMLParser):
    """The text a reader sees, without scripts, styles, drawings and what is marked as data
    (translate="no" on an element and everything in it: names and codes, not words of the page). A
    text marked as written in English (lang="en" translate="no": a survey word remit cannot translate,
    a note of the data) is English the reader sees: it is read, and only the data's own texts
    (data_texts) are taken out of it (a chart's labels are the names its table gives, read there)."""

    SKIPPED = {"script", "style", "svg"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # per open element: its tag, is it (or one around it) skipped
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        marked_as_data = ("translate", "no") in attrs and ("lang", DATA_LANGUAGE) not in attrs
        skipped = self._skipping() or tag in self.SKIPPED or marked_as_data
        self.open.append((tag, skipped))

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _ in self.open):  # an end tag left out closes with its parent
            while self.open.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self._skipping():
            self.words.append(data)

    def _skipping(self) -> bool:
        return bool(self.open) and self.open[-1][1]


def visible_text(page: str, data: list[str]) -> str:
    parser = _PageWords()
    parser.feed(page)
    parser.close()
    text = " ".join(parser.words)
    for value in data:
        text = text.replace(value, " ")
    text = re.sub(r"\S+@\S+|https?://\S+|/\S+|\b[\w-]+\.(csv|xlsx)\b", " ", text)
    return re.sub(r"\s+", " ", text)


def english_in(text: str, fragments: list[str], language: str, survey_words: list[str] = ()) -> list[str]:
    found = [f for f in fragments if f in text]
    found += [f"survey word: {word}" for word in survey_words if re.search(rf"\b{re.escape(word)}\b", text)]
    with force_locale("en"):
        english_labels = {str(label) for label in LABELS.values()}
    english_labels |= {
        "cash pickup", "bank account", "money transfer operator", "mobile wallet", "home delivery", "same day",
        "next day", "credit union", "post office", "mobile operator", "driver's licence", "work permit"}
    # A label that is also a word of the language ("change" in French) proves nothing.
    english_labels = {label for label in english_labels if not re.search(rf"\b{re.escape(label)}\b",
                                                                         translations(language), re.I)}
    found += [f"label: {label}" for label in english_labels if re.search(rf"\b{re.escape(label)}\b", text)]
    found += [f"word: …{text[max(0, m.start() - 30):m.end() + 30]}…" for m in ENGLISH_WORDS.finditer(text)]
    return found


@pytest.fixture
def pages(seeded, client):
    """Every page a reader can reach, with the data to make each one show its content."""
    run_import_rows = fee_row(provider="Formula Free", product="Wire")
    from remit.importers import run_import

    assert run_import("fees", csv_bytes([run_import_rows]), "extra.csv", actor="test").ok
    login(client, "admin")
    preview = client.post("/admin/imports", data={"csrf_token": token(client), "kind": "fees",
                                                  "file": (io.BytesIO(csv_bytes([fee_row(max_amount="lots")])),
                                                           "bad.csv")}, content_type="multipart/form-data")
    run_id = db.session.scalar(select(ImportRun.id).order_by(ImportRun.id.desc()))
    from .ledger_data import make_season

    ledger = make_season()
    observed = _observations()
    return {
        "public": ["/", "/compare?send=CA&receive=GT&mode=send&amount=300",
                   "/compare?send=US&receive=MX&mode=send&amount=200&payout_method=cash_pickup&max_speed=same_day",
                   "/compare?send=US&receive=GT&mode=receive&amount=2000",
                   "/compare?send=CA&receive=GT&mode=send&amount=300%2C50%2C1",
                   "/corridors/US-GT", "/corridors/CA-GT", "/corridors/TZ-KE", "/corridors/CA-IN",
                   "/corridors", "/corridors?send=CA&status=above&sort=cost_desc", "/corridors?receive=MX&status=met",
                   "/corridors?sort=fastest", "/providers",
                   "/corridors/CA-GT/guide", "/corridors/CA-IN/guide?amount=150&amount=2500",
                   "/corridors/US-MX/guide", "/corridors/TZ-KE/guide", "/corridors/CA-GT/guide?amount=abc",
                   "/guides", "/guides?send=US", "/guides?send=ZZ",
                   "/providers/illustrative-money-transfer-a", "/providers/walmart2world", "/bundle",
                   "/no-such-page", "/providers/nobody"],
        "admin": ["/admin/", "/admin/imports", preview.headers.get("Location") or "/admin/imports",
                  f"/admin/imports/{run_id}", "/admin/fees", "/admin/providers",
                  "/admin/providers/illustrative-money-transfer-a", "/admin/api-keys", "/admin/users",
                  "/admin/audit", "/admin/password", *ledger.values(), "/collect", "/collect/rounds", observed],
        "ledger": ledger,
    }


def _observations() -> str:
    """A round of observed prices, flagged (a fee over 20%, a rate far from the provider's other one), one of
    them rejected and the other approved: the review page shows each figure, flag, status and reason, and
    the corridor page the round's statistics."""
    import datetime as dt
    from decimal import Decimal as D

    from remit.services import observations

    corridor = observations.corridor_by_code("CA-GT")
    day = dt.date.today() - dt.timedelta(days=1)
    rows = []
    for fee, rate in ((D("9.99"), D("14.0")), (D("70"), D("10.0"))):
        given = observations.ObservationInput(
            corridor=corridor, observed_on=day, collector="MG", provider_name="Remesas Uno", product_name="Cash",
            funding_method="cash", payout_method="cash_pickup", send_amount=D("300"), fee=fee, channel="phone",
            exchange_rate=rate)
        rows.append(observations.record(given, actor="test", max_age_days=3650)[0])
    observations.review(rows[0], "reject", "illegible", actor="test")
    observations.review(rows[1], "approve", "", actor="test")  # the corridor page then shows its round
    db.session.commit()
    return f"/collect/rounds/CA-GT/{day:%Y-%m}"


@pytest.mark.parametrize("language", ["es", "fr"])
def test_no_english_on_any_page(pages, client, language):
    fragments = english_catalogue(language)
    data = data_texts()
    survey_words = rpw_words(language)
    assert {"Bank account transfer", "Cash", "Agent", "Bank branch", "Call Center"} <= set(rpw_words("es"))
    problems = {}
    client.get(f"/?lang={language}")  # the session keeps the language from here on
    for url in pages["public"] + pages["admin"]:
        response = client.get(url)
        assert response.status_code in (200, 404, 422), (url, response.status_code)
        assert f'<html lang="{language}">' in response.get_data(as_text=True), url
        found = english_in(visible_text(response.get_data(as_text=True), data), fragments, language, survey_words)
        if found:
            problems[url] = found[:6]
    bundle_page = client.get("/bundle").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', bundle_page).group(1)
    pasted = "\n".join(f"w{i:02d}\t350,00" for i in range(1, 21))
    for data_ in ({"pasted": pasted}, {"pasted": "w1\t-5"}):
        response = client.post("/bundle", data={"csrf_token": csrf, "send": "CA", "receive": "GT",
                                                "distribution_fee": "1,50", "incoming_fee": "15",
                                                "coordinator_fee": "0", "allocation": "pro_rata",
                                                "transfers_per_year": "12"} | data_)
        found = english_in(visible_text(response.get_data(as_text=True), data), fragments, language)
        if found:
            problems[f"POST /bundle {data_}"] = found[:6]
    wire = {"csrf_token": csrf, "debited": "1", "fee": "0", "currency_sent": "CAD", "applied_rate": "0",
            "intermediary": "0", "receiving_fee": "0", "credited": "abc"}
    response = client.post(pages["ledger"]["open cycle"] + "/wires", data=wire)
    assert response.status_code == 422
    found = english_in(visible_text(response.get_data(as_text=True), data), fragments, language)
    if found:
        problems["POST a refused wire"] = found[:6]
    observed = {"csrf_token": csrf, "corridor": "CA-GT", "observed_on": "2026-11-20", "provider": "Remesas Uno",
                "product": "Cash", "funding_method": "cash", "payout_method": "cash_pickup", "send_amount": "300",
                "fee": "70", "exchange_rate": "14", "channel": "website", "collector": "MG", "action": "check"}
    for data_ in (observed, {**observed, "send_amount": "3,0.0", "exchange_rate": ""}):
        response = client.post("/collect", data=data_)
        found = english_in(visible_text(response.get_data(as_text=True), data), fragments, language)
        if found:
            problems[f"POST /collect {response.status_code}"] = found[:6]
    for method, url, kwargs in (("post", "/", {}), ("post", "/bundle", {"data": {}}),
                                ("get", "/admin/imports/999999", {}), ("post", "/logout", {})):
        response = getattr(client, method)(url, **kwargs)
        found = english_in(visible_text(response.get_data(as_text=True), data), fragments, language)
        if found:
            problems[f"{method.upper()} {url} → {response.status_code}"] = found[:6]
    assert not problems, "\n".join(f"{url}:\n    " + "\n    ".join(found) for url, found in problems.items())


@pytest.mark.parametrize("language", ["es", "fr"])
def test_error_pages_speak_the_language(make_app, language):
    app = make_app(RATELIMIT_ENABLED=True, REMIT_LOGIN_RATE_LIMIT="1 per hour", PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    with app.app_context():
        client = app.test_client()
        client.get(f"/?lang={language}")
        fragments = english_catalogue(language)
        answers = {500: client.get("/boom"), 405: client.post("/"), 404: client.get("/nowhere"),
                   403: client.get("/bundle?group=1"), 400: client.post("/bundle", data={})}
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                         client.get("/login").get_data(as_text=True)).group(1)
        form = {"csrf_token": csrf, "email": "a@example.org", "password": PASSWORD}
        client.post("/login", data=form)
        answers[429] = client.post("/login", data=form)
        for status, response in answers.items():
            assert response.status_code == status
            text = visible_text(response.get_data(as_text=True), [])
            assert english_in(text, fragments, language) == [], (status, text)


ILLUSTRATIVE = {"es": "ilustrativo, no observado", "fr": "illustratif, non observé"}


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_illustrative_data_is_said_so_in_the_language_on_every_page_that_shows_it(seeded, client, language):
    """The seed's Canada→Guatemala fee table is flagged illustrative: every page that shows its figures
    says so in the reader's language, in its summary and beside the figures; its own note ("Illustrative,
    not observed: modelled on…") stays as written, marked as English."""
    data = data_texts()
    client.get(f"/?lang={language}")
    pages = {"/compare?send=CA&receive=GT&mode=send&amount=300": 8,  # the summary and each of the 7 services
             "/corridors/CA-GT": 3, "/corridors?send=CA": 1, "/providers": 2,
             "/providers/illustrative-money-transfer-a": 3}
    for url, at_least in pages.items():
        page = client.get(url).get_data(as_text=True)
        text = visible_text(page, data)
        said = len(re.findall(re.escape(ILLUSTRATIVE[language]), text, re.I))
        assert said >= at_least, (url, said)
        assert not re.search(r"illustrative, not observed", text, re.I), url
    compare = client.get("/compare?send=CA&receive=GT&mode=send&amount=300").get_data(as_text=True)
    note = re.search(r'<span lang="en" translate="no">(Illustrative, not observed: modelled on[^<]*)</span>', compare)
    assert note, "the fee table's own note is marked as English"
