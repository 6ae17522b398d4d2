from sqlalchemy import text

from remit import create_app


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}


def test_start_page_offers_the_seeded_corridors_and_links_to_them(seeded, client):
    page = client.get("/").get_data(as_text=True)
    # The form asks for the sending country first; the corridors themselves are on /corridors.
    assert '<option value="CA">Canada</option>' in page and '<option value="US">United States</option>' in page
    assert '<option value="GT">Guatemala</option>' in page and '<option value="PH">Philippines</option>' in page
    assert "remit holds data for 21 corridors" in page and 'href="/corridors"' in page
    assert "The World Bank, Remittance Prices Worldwide" in page
    corridors = client.get("/corridors").get_data(as_text=True)
    assert "Canada → Guatemala" in corridors and "United States → Mexico" in corridors
    assert "Q3 2025" in corridors and "2025Q3" not in corridors  # one way to write a quarter
    providers = client.get("/providers").get_data(as_text=True)
    assert "Illustrative Canadian Bank A" in providers and "MoneyGram" in providers


def test_start_page_without_data_says_how_to_load_it(client):
    page = client.get("/").get_data(as_text=True)
    assert "No data is loaded yet" in page
    assert "remit seed" in page


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True)


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["code"] == 404
    assert response.json["status"] == "Not Found"


def test_database_dialect_matches_the_parameter(app, database_url):
    from remit.extensions import db

    assert db.engine.dialect.name == ("sqlite" if database_url.startswith("sqlite") else "postgresql")
    assert db.session.execute(text("SELECT 1")).scalar() == 1
