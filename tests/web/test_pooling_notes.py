"""Before you pool money (issue 29): the coordinator's duties on the group page, its plan and its
printout, in the page's language, each with its source and the date they were last reviewed; one
content file per language that an administrator replaces without a release (REMIT_CONTENT_DIR)."""
from __future__ import annotations

import datetime as dt
import logging
import re

import pytest

from remit.services import pooling

from .test_no_english import visible_text

SOURCES = ["https://fintrac-canafe.canada.ca/msb-esm/register-inscrire/reg-ins-eng",
           "https://fintrac-canafe.canada.ca/guidance-directives/transaction-operation/24hour/1-eng",
           "https://fintrac-canafe.canada.ca/guidance-directives/client-clientele/tpdr-eng",
           "https://fintrac-canafe.canada.ca/guidance-directives/recordkeeping-document/record/msb-eng"]


def sources(language: str) -> list[str]:
    """FINTRAC's pages in the notes' language: French for French (-fra), English for English and for
    Spanish (FINTRAC publishes in English and French only; the Spanish notes say so)."""
    return [url.replace("-eng", "-fra") for url in SOURCES] if language == "fr" else SOURCES


GUATEMALA = ["https://www.sib.gob.gt/c/journal/view_article_content?articleId=LAVADOACTIVOS-CONTENIDO-FUNCIONES"
             "&amp;groupId=10097&amp;version=1.0",
             "https://www.senabed.gob.gt/2020/images/Informacion.publica/10.01/"
             "Reglamento_ley_contra_el_lavado_de_dinero_y_otros_activos_actualizada.txt"]
SAID = {
    "es": ("Antes de juntar dinero", "Información, no asesoría legal.", "Revisado por última vez el 6 dic 2026.",
           "Decreto 67-2001", "Acuerdo Gubernativo 118-2002", "al menos cinco años", "10.000 CAD", "24 horas"),
    "fr": ("Avant de regrouper de l’argent", "Information, et non avis juridique.",
           "Dernière révision le 6 déc. 2026.", "Decreto 67-2001", "Acuerdo Gubernativo 118-2002",
           "au moins cinq ans", "10 000 CAD", "24 heures"),
    "en": ("Before you pool money", "Information, not legal advice.", "Last reviewed on Dec 6, 2026.",
           "Decreto 67-2001", "Acuerdo Gubernativo 118-2002", "at least five years", "CAD 10,000", "24 hours"),
}


def csrf(client) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     client.get("/bundle").get_data(as_text=True)).group(1)


def plan_page(client, receive: str = "GT", pasted: str | None = None):
    pasted = pasted or "\n".join(f"w{i:02d}\t350" for i in range(1, 21))
    return client.post("/bundle", data={"csrf_token": csrf(client), "send": "CA", "receive": receive,
                                        "distribution_fee": "1.50", "incoming_fee": "15", "coordinator_fee": "0",
                                        "allocation": "pro_rata", "transfers_per_year": "12", "pasted": pasted})


@pytest.mark.parametrize("language", ["es", "fr", "en"])
def test_the_group_page_shows_the_notes_with_their_sources_and_review_date(seeded, client, language):
    page = client.get(f"/bundle?lang={language}").get_data(as_text=True)
    text = visible_text(page, [])
    for words in SAID[language]:
        assert words.replace("\u202f", " ") in text.replace("\u202f", " "), words
    for url in sources(language) + GUATEMALA:
        assert f'href="{url}"' in page


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_plan_carries_the_notes_onto_its_own_printed_page(seeded, client, language):
    client.get(f"/?lang={language}")
    response = plan_page(client)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index('id="plan-heading"') < page.index('class="pooling-notes after-plan"')
    assert 'class="pooling-notes after-plan"' in page and "noprint" not in re.search(
        r'<section class="pooling-notes[^"]*"', page).group(0)
    for url in sources(language) + GUATEMALA:
        assert f'href="{url}"' in page
    assert SAID[language][2].replace("\u202f", " ") in visible_text(page, []).replace("\u202f", " ")


def test_notes_about_guatemala_are_left_out_of_a_transfer_to_mexico(seeded, client):
    page = plan_page(client, receive="MX", pasted="w1\t-5").get_data(as_text=True)  # refused, shown again
    assert "Before you pool money" in page
    assert all(f'href="{url}"' in page for url in SOURCES)
    assert not any(f'href="{url}"' in page for url in GUATEMALA)


def test_an_administrator_replaces_the_notes_without_a_release(make_app, tmp_path, caplog):
    text = (pooling.PACKAGED / "pooling.es.toml").read_text(encoding="utf-8")
    (tmp_path / "pooling.es.toml").write_text(
        text.replace("reviewed = 2026-12-06", "reviewed = 2027-03-15").replace(
            "Antes de juntar dinero", "Antes de juntar el dinero de otros"), encoding="utf-8")
    (tmp_path / "pooling.fr.toml").write_text("title = 'cassé'\n", encoding="utf-8")  # no notes: passed over
    app = make_app(REMIT_CONTENT_DIR=str(tmp_path))
    with app.app_context():
        client = app.test_client()
        spanish = visible_text(client.get("/bundle?lang=es").get_data(as_text=True), [])
        assert "Antes de juntar el dinero de otros" in spanish
        assert "Revisado por última vez el 15 mar 2027." in spanish
        with caplog.at_level(logging.WARNING, logger="remit.services.pooling"):
            french = visible_text(client.get("/bundle?lang=fr").get_data(as_text=True), [])
        assert "Avant de regrouper de l’argent" in french  # the packaged notes
        assert "pooling.fr.toml passed over: `disclaimer` is missing" in caplog.text
        # An edit shows on the next request.
        (tmp_path / "pooling.es.toml").write_text(text.replace("reviewed = 2026-12-06", "reviewed = 2027-04-01"),
                                                  encoding="utf-8")
        import os
        os.utime(tmp_path / "pooling.es.toml", (1_900_000_000, 1_900_000_000))
        spanish = visible_text(client.get("/bundle?lang=es").get_data(as_text=True), [])
        assert "Revisado por última vez el 1 abr 2027." in spanish


@pytest.mark.parametrize("text, problem", [
    ("title = 'x'\ndisclaimer = 'y'\nreviewed = 2026-12-06\n", "no [[notes]]"),
    ("title = 'x'\ndisclaimer = 'y'\n[[notes]]\nheading='h'\ntext='t'\nsource='s'\nurl='https://a'\n",
     "`reviewed` must be a date"),
    ("title = 'x'\ndisclaimer = 'y'\nreviewed = 2026-12-06\n[[notes]]\nheading='h'\ntext='t'\nsource='s'\n"
     "url='http://a'\n", "must be an https:// address"),
    ("title = 'x'\ndisclaimer = 'y'\nreviewed = 2026-12-06\n[[notes]]\nheading='h'\ntext=''\nsource='s'\n"
     "url='https://a'\n", "note 1 has no text"),
    ("title = 'x\n", "not TOML"),
])
def test_a_notes_file_that_says_too_little_is_refused(text, problem):
    with pytest.raises(pooling.NotesError, match=re.escape(problem)):
        pooling.parse(text, "es", "test")


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_each_packaged_file_holds_the_same_six_notes_and_review_date(language):
    notes = pooling.parse((pooling.PACKAGED / f"pooling.{language}.toml").read_text(encoding="utf-8"), language, "")
    english = pooling.parse((pooling.PACKAGED / "pooling.en.toml").read_text(encoding="utf-8"), "en", "")
    assert notes.reviewed == english.reviewed == dt.date(2026, 12, 6)
    # The same sources, in the file's language where the publisher has one (FINTRAC: French, not Spanish).
    in_language = [n.url.replace("-eng", "-fra") if language == "fr" else n.url for n in english.notes]
    assert [(n.url, n.countries) for n in notes.notes] == list(zip(in_language, [n.countries for n in english.notes]))
    assert len(notes.notes) == 6
