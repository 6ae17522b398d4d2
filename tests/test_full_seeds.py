"""All of `seeds/`, loaded once per database by `remit seed` as an administrator runs it: every corridor
RPW surveyed in 2025 Q3 (348), their published figures of 2024 Q3 to 2025 Q3 and DataBank's history of
2011 Q1 to 2020 Q3. The rest of the suite loads 20 of the corridors (tests/seeds.py)."""
from __future__ import annotations

import csv
import gzip
import io
import re
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import func, select

from remit import codes, create_app
from remit.extensions import db
from remit.models import Corridor, PublishedAverage, SurveyObservation, SurveyPricePoint
from remit.services import stats

from . import pg, seeds
from .api_document import ValidatingClient
from .conftest import DATABASES, _fresh_g_per_request


@pytest.fixture(scope="module", params=DATABASES)
def full(request, tmp_path_factory):
    """An app on a database of its own that `remit seed` filled with every seed file."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("full-seeds") / "remit.db")
    else:
        url = pg.create_database(request.getfixturevalue("postgres_server"), "remit_full_seeds")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    _fresh_g_per_request(app)
    app.test_client_class = ValidatingClient
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        result = app.test_cli_runner().invoke(args=["remit", "seed"])
        assert result.exit_code == 0, result.output
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def context(full):
    with full.app_context():
        yield full
        db.session.rollback()


def half_up(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def corridors() -> dict[tuple[str, str], Corridor]:
    return {(c.send_country, c.receive_country): c for c in db.session.execute(select(Corridor)).scalars()}


def test_every_corridors_2025Q3_average_computed_from_its_quotes_is_the_published_one(context):
    """For all 348 corridors, the statistics service's mean of the 2025 Q3 quotes at USD 200 equals the
    average RPW published for the quarter (the trend file, to its 2 decimals)."""
    published = {(codes.country(r["source_code"]), codes.country(r["destination_code"])): r
                 for r in seeds.rows(seeds.ALL_TREND.read_bytes()) if r["quarter"] == "2025Q3"}
    quoted = Counter((codes.country(r["source_code"]), codes.country(r["destination_code"]))
                     for r in seeds.rows(seeds.ALL_QUOTES.read_bytes()) if r["amount_usd"] == "200")
    assert len(published) == len(quoted) == 348 and set(published) == set(quoted)
    held = corridors()
    for key, row in published.items():
        figures = stats.stats_for(held[key], "2025Q3")
        assert figures.basis == "survey", key
        # Every quote at USD 200 counts, repeated ones too, as RPW counts them.
        assert figures.stats.services == figures.stats.transparent_services == quoted[key], key
        assert half_up(figures.stats.average_total_cost_pct_200) == Decimal(row["avg_cost_pct"]), key


def test_databank_figures_come_back_as_published(context):
    """A sample of DataBank's corridor-quarters (every 97th figure, and named ones), checked against the
    raw export read with nothing but `csv`: stored to the 6 decimals kept of a percentage, and answered
    to 2 from them, with basis published (DataBank writes RPW's 15.235 as 15.2349996566772: kept as
    15.235000, shown as 15.24)."""
    text = seeds.DATABANK.read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    raw = []
    for row in table[1:]:
        if len(row) < 7 or not row[1] or "ANT" in (row[1], row[5]):
            continue
        for column, figure in zip(table[0][6:], row[6:]):
            if figure != "..":
                raw.append((codes.country(row[1]), codes.country(row[5]), column.split(" ")[0], figure))
    assert len(raw) == 10_417 - 15  # the Netherlands Antilles' 15 are not imported
    named = {("US", "MX", "2011Q1"), ("TZ", "KE", "2013Q2"), ("DE", "XK", "2020Q3"), ("ZA", "SZ", "2016Q1"),
             ("TR", "BG", "2020Q3")}
    sample = [r for index, r in enumerate(raw) if index % 97 == 0 or r[:3] in named]
    assert len(sample) > 100 and named <= {r[:3] for r in sample}
    held = corridors()
    stored = {(c.send_country, c.receive_country, p.period): p.avg_cost_pct for p, c in db.session.execute(
        select(PublishedAverage, Corridor).join(Corridor, Corridor.id == PublishedAverage.corridor_id)
        .where(PublishedAverage.retired_by_import_id.is_(None)))}
    client = context.test_client()
    for send, receive, period, figure in sample:
        kept = half_up(Decimal(figure), "0.000001")
        assert stored[(send, receive, period)] == kept and abs(kept - Decimal(figure)) <= Decimal("0.0000005")
        answer = stats.stats_for(held[(send, receive)], period)
        if (send, receive, period) == ("TZ", "KE", "2011Q1"):
            continue  # the seeds also hold the quotes of that survey: computed from them (the same 23.62)
        assert answer.basis == "published" and answer.stats.cheapest_pct_200 is None
        api = client.get(f"/api/v1/corridors/{send}-{receive}/stats?period={period}").json
        assert api["average_total_cost_pct_200"] == str(half_up(kept)), (send, receive, period)
    # Fifteen years of one corridor: DataBank's quarters, then the published and surveyed ones of 2024-2025.
    trend = [t["period"] for t in client.get("/api/v1/corridors/US-MX/stats").json["trend"]]
    assert trend[:6] == ["2011Q1", "2011Q3", "2012Q1", "2012Q3", "2013Q1", "2013Q2"]
    assert trend[-5:] == ["2020Q3", "2024Q3", "2024Q4", "2025Q1", "2025Q3"]


def test_quotes_are_kept_as_published_repeated_negative_zero_and_300_percent(context):
    """Rows that repeat another row of their corridor are kept (RPW's averages count them), and costs
    below zero, of zero and above 300% are stored as published."""
    rows = seeds.rows(seeds.ALL_QUOTES.read_bytes())
    per_corridor = Counter((codes.country(r["source_code"]), codes.country(r["destination_code"])) for r in rows)
    repeats = sum(n - 1 for n in Counter(tuple(r.values()) for r in rows).values())
    assert (len(rows), repeats) == (12_940, 956)
    held = dict(db.session.execute(
        select(Corridor.send_country + "-" + Corridor.receive_country, func.count())
        .join(SurveyObservation, SurveyObservation.corridor_id == Corridor.id)
        .where(SurveyObservation.period == "2025Q3", SurveyObservation.retired_by_import_id.is_(None))
        .group_by(Corridor.send_country, Corridor.receive_country)).all())
    assert held == {f"{send}-{receive}": n for (send, receive), n in per_corridor.items()}
    costs = [Decimal(r["total_cost_pct"]) for r in rows]
    points = db.session.execute(select(SurveyPricePoint.total_cost_pct).join(SurveyObservation)
                                .where(SurveyObservation.period == "2025Q3")).scalars().all()
    assert sorted(points) == sorted(costs)
    assert (sum(c < 0 for c in points), sum(c == 0 for c in points), sum(c > 50 for c in points)) == (164, 83, 53)
    assert max(points) == Decimal("307.2")
    # Turkey→Bulgaria's figures count them as they are: its average, with quotes above 300%, is flagged above 5%.
    figures = stats.stats_for(corridors()[("TR", "BG")], "2025Q3").stats
    assert figures.above_5pct and figures.average_total_cost_pct_200 > 50


@pytest.mark.parametrize("language,names,never", [
    ("en", ["Türkiye", "Bulgaria"], ["Turkey"]),
    ("es", ["Turquía", "Bulgaria"], ["Turkey"]),
    ("fr", ["Turquie", "Bulgarie"], ["Turkey"]),
])
def test_pages_name_countries_as_cldr_does_in_their_language(context, language, names, never):
    client = context.test_client()
    page = client.get(f"/corridors/TR-BG?lang={language}").get_data(as_text=True)
    page = page.replace("Turkey IS Bank", "")  # a provider's name, as it names itself: not a country's
    for name in names:
        assert name in page
    for old in never:
        assert old not in page
    swazi = client.get(f"/corridors/ZA-SZ?lang={language}").get_data(as_text=True)
    assert {"en": "Eswatini", "es": "Esuatini", "fr": "Eswatini"}[language] in swazi and "Swaziland" not in swazi
    kosovo = client.get(f"/corridors/DE-XK?lang={language}").get_data(as_text=True)
    assert "Kosovo" in kosovo


def test_seed_again_changes_nothing(context):
    before = {table.name: db.session.scalar(select(func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    result = context.test_cli_runner().invoke(args=["remit", "seed"])
    assert result.exit_code == 0 and result.output.count("no changes") == len(list(seeds.SEEDS.glob("*/*.csv")))
    assert before == {table.name: db.session.scalar(select(func.count()).select_from(table))
                      for table in db.metadata.sorted_tables}
    by_corridor = defaultdict(set)
    for send, receive in db.session.execute(select(Corridor.send_country, Corridor.receive_country)):
        by_corridor[send].add(receive)
    assert len(by_corridor) >= 46 and sum(map(len, by_corridor.values())) >= 348


def text_of(response) -> str:
    html = re.sub(r"<svg.*?</svg>", "", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize("language, words", [
    ("es", {"GB-NG": ["Envío de dinero: Reino Unido → Nigeria", "Monto enviado: 200,00 GBP",
                      "remit no tiene ningún tipo de cambio de referencia para NGN", "Costo promedio con USD 200: 1,96%",
                      "no disponible"],
            "ES-CO": ["Envío de dinero: España → Colombia", "Monto enviado: 300,00 €",
                      "Costo promedio con USD 200: 5,48%", "Money Exchange"]}),
    ("fr", {"GB-NG": ["Envoi d’argent : Royaume-Uni → Nigeria", "Montant envoyé : 200,00 £GB",
                      "Coût moyen pour 200 USD : 1,96 %", "non disponible"],
            "ES-CO": ["Envoi d’argent : Espagne → Colombie", "Montant envoyé : 300,00 €",
                      "Coût moyen pour 200 USD : 5,48 %", "Money Exchange"]}),
])
def test_compare_united_kingdom_to_nigeria_and_spain_to_colombia_in_spanish_and_french(context, language, words):
    """The issue's two corridors, each from the home page's form as a person fills it: the sending country
    chosen first, then the receiving country among those held from it."""
    client = context.test_client()
    for code, amount in (("GB-NG", "200"), ("ES-CO", "300")):
        send, receive = code.split("-")
        form = client.get(f"/?send={send}&choose=send&lang={language}").get_data(as_text=True)
        assert f'<option value="{receive}">' in form
        response = client.get(f"/compare?send={send}&receive={receive}&mode=send&amount={amount}&lang={language}")
        assert response.status_code == 200, code
        text = text_of(response)
        for word in words[code]:
            assert word in text, (code, word)
        assert '<tr class="cheapest">' in response.get_data(as_text=True)


def test_a_send_currency_without_a_rate_shows_the_surveys_usd_figures_and_says_why(context):
    client = context.test_client()
    text = text_of(client.get("/compare?send=SA&receive=IN&mode=send&amount=500&lang=en"))
    assert "Figures in US dollars." in text and "remit holds no reference rate for SAR" in text
    assert re.search(r"1 STC Pay Mobile money · Mobile phone \$6\.28 3\.14% not available", text)
    listing = text_of(client.get("/corridors?q=arabie&lang=fr"))
    assert "Pas de taux de référence pour SAR" in listing
    assert "No reference rate" not in text_of(client.get("/corridors?send=GB&lang=en"))


PAGES = ["/", "/?send=GB&choose=send", "/?send=US&receive=MX&choose=receive",
         "/compare?send=GB&receive=NG&mode=send&amount=200", "/compare?send=ES&receive=CO&mode=send&amount=300",
         "/compare?send=US&receive=MX&mode=send&amount=200", "/compare?send=SA&receive=IN&mode=send&amount=200",
         "/corridors", "/corridors?page=2", "/corridors?sort=cost&send=US", "/corridors/US-MX", "/corridors/GB-NG",
         "/corridors/DE-XK", "/providers", "/providers?page=3", "/providers/western-union", "/bundle"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_with_its_stylesheet_weighs_under_15_kb_compressed_with_every_corridor(context, language):
    client = context.test_client()
    heavy, sizes = {}, {}
    for path in PAGES:
        url = path + ("&" if "?" in path else "?") + f"lang={language}"
        page = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip", url
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', gzip.decompress(page.data).decode()).group(1)
        css = client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
        css.close()
        sizes[url] = len(page.data) + len(css.data)
        if sizes[url] >= 15_000:
            heavy[url] = sizes[url]
    print(sizes)
    assert heavy == {}


def test_the_form_offers_the_receiving_countries_held_from_the_sending_one_and_one_countrys_regions(context):
    client = context.test_client()
    page = client.get("/?send=GB&choose=send&lang=en").get_data(as_text=True)
    select = re.search(r'<select [^>]*id="receive".*?</select>', page, re.S).group(0)
    held = {receive for send, receive in corridors() if send == "GB"}
    assert set(re.findall(r'<option value="([A-Z]{2})">', select)) == held
    assert 'id="region"' not in page
    mexico = client.get("/?send=US&receive=MX&choose=receive&lang=en").get_data(as_text=True)
    assert "Jalisco" in mexico and "Huehuetenango" not in mexico


def test_providers_and_a_providers_services_come_a_page_at_a_time(context):
    client = context.test_client()
    listing = text_of(client.get("/providers?lang=en"))
    assert re.search(r"Providers 1 to 100 of \d{3}, by name\.", listing) and "Next page" in listing
    union = client.get("/providers/western-union?lang=en")
    text = text_of(union)
    services = int(re.search(r"Services 1 to 50 of (\d+)\.", text).group(1))
    assert services > 1_000 and union.get_data(as_text=True).count("<tr>") <= 51
    last = -(-services // 50)
    assert client.get(f"/providers/western-union?page={last}").status_code == 200
    assert client.get(f"/providers/western-union?page={last + 1}").status_code == 404
    assert re.search(r'href="/providers/western-union\?[^"]*page=2', union.get_data(as_text=True))


def test_fifteen_years_on_one_chart_labelled_by_year_with_the_gaps_as_gaps(context):
    """United States → Mexico: DataBank's averages of 2011 Q1 to 2020 Q3 (half-yearly until 2013), RPW's
    published ones of 2024 Q3 to 2025 Q1 and 2025 Q3 computed from the quotes; 2020 Q4 to 2024 Q2 and
    2025 Q2 are in no source: rows that say so, breaks in the lines. 59 quarters, labelled by year."""
    from .web.test_corridor_pages import trend_table

    page = context.test_client().get("/corridors/US-MX?lang=en").get_data(as_text=True)
    table = trend_table(page)
    assert len(table) == 59 and table[0]["quarter"] == "Q1 2011" and table[-1]["quarter"] == "Q3 2025"
    gaps = [row["quarter"] for row in table if row["gap"]]
    assert gaps == [
        f"Q{q} {y}" for y in range(2020, 2025) for q in range(1, 5) if "2020Q4" <= f"{y}Q{q}" <= "2024Q2"] + ["Q2 2025"]
    # Until 2013 the survey was half-yearly: the quarter after each survey's is covered by its figure.
    assert [row["quarter"] for row in table if row["covered"]] == ["Q2 2011", "Q4 2011", "Q2 2012", "Q4 2012"]
    assert table[0]["Average at USD 200"] == "5.01%" and table[-1]["Average at USD 200"] == "4.54%"
    figures = [row["Figures"] for row in table if not row["gap"] and not row["covered"]]
    half_yearly = ("published by the World Bank; half-yearly: the survey of this quarter and the next (the World "
                   "Bank surveyed twice a year until 2013)")
    assert figures[:4] == [half_yearly] * 4 and figures.count("published by the World Bank") == 34
    assert figures[-1].startswith("computed from")
    api = context.test_client().get("/api/v1/corridors/US-MX/stats").json
    quarters = {q["period"]: q for q in api["quarters"]}
    assert len(api["quarters"]) == 59 and sum(q["gap"] for q in api["quarters"]) == 16
    assert quarters["2011Q2"] == {"period": "2011Q2", "gap": False, "basis": "published", "frequency": "half_yearly",
                                  "figures_of": "2011Q1", "average_total_cost_pct_200": None,
                                  "average_total_cost_pct_500": None, "smart_pct": None,
                                  "cheapest_total_cost_pct": None}
    assert quarters["2021Q1"]["gap"] and quarters["2021Q1"]["basis"] is None
    assert (quarters["2025Q3"]["basis"], quarters["2025Q3"]["frequency"]) == ("survey", "quarterly")
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert re.findall(r'<text x="[\d.]+" y="[\d.]+"[^>]*>((?:19|20)\d\d)</text>', svg) == [
        "2011", "2014", "2017", "2020", "2023"]
