"""Price collection's pages: a collector records an observed price (its figures and flags shown before
it is saved, its evidence cleaned), an administrator reviews the round."""
from __future__ import annotations

import io
import re
from decimal import Decimal as D

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from remit.admin import auth
from remit.extensions import db
from remit.models import AuditEvent, PriceObservation

from ..admin.test_admin_imports import PASSWORD, login
from ..conftest import table_counts
from ..importers.helpers import load_hand_worked_corridor
from .test_pages import text_of


@pytest.fixture
def corridor(app, tmp_path):
    app.config["REMIT_EVIDENCE_DIR"] = str(tmp_path / "evidence")
    load_hand_worked_corridor(b"CAD,GTQ,5.55,2026-11-20,test rate\n")


def login_collector(client, email="collector@example.org"):
    user = auth.create_user(email, PASSWORD, "staff")
    user.collector = True
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"csrf_token": csrf, "email": email, "password": PASSWORD}).status_code == 302


def csrf(client, path="/collect") -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def photo_with_gps() -> bytes:
    """A JPEG whose EXIF holds a camera make and a GPS position."""
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (14.0, 50.0, 0.0), "W", (91.0, 31.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def observation(client, **changes) -> dict:
    data = {"csrf_token": csrf(client), "corridor": "CA-GT", "observed_on": "2026-11-20", "provider": "Remesas Uno",
            "provider_type": "mto", "product": "Cash pickup", "funding_method": "cash", "payout_method": "cash_pickup",
            "speed": "", "send_amount": "300", "fee": "9.99", "exchange_rate": "5.40", "receive_amount": "",
            "channel": "in_person", "collector": "MG", "accepted_ids": "passport", "regions": "gt-hu", "notes": "",
            "action": "check"}
    data.update(changes)
    return data


def post(client, data, lang="en"):
    return client.post(f"/collect?lang={lang}", data=data, content_type="multipart/form-data")


def test_the_hand_worked_case_is_shown_before_saving_and_nothing_is_written(corridor, client):
    login_collector(client)
    before = table_counts()
    response = post(client, observation(client))
    assert response.status_code == 200
    page = text_of(response)
    for shown in ("Before saving: round CA-GT:2026-11", "CA$9.99 (3.33%)", "5.55 of", "2.70%", "CA$8.11",
                  "CA$18.10 (6.03%)", "GTQ1,620.00", "Nothing to check: no flag."):
        assert shown in page, shown
    assert table_counts() == before


def test_in_spanish_amounts_are_read_as_spanish_writes_them(corridor, client):
    login_collector(client)
    page = text_of(post(client, observation(client, send_amount="300,00", exchange_rate="5,40"), "es"))
    assert "2,70 %" in page or "2,70%" in page
    assert "18,10" in page and "1.620,00 GTQ" in page


def test_saving_records_the_observation_submitted_with_its_evidence_cleaned(corridor, client, app, tmp_path):
    login_collector(client)
    data = observation(client, action="save", evidence=(io.BytesIO(photo_with_gps()), "board.jpg"))
    response = post(client, data)
    assert response.status_code == 302
    row = db.session.execute(select(PriceObservation)).scalar_one()
    assert (row.status, row.send_amount, row.fee, row.exchange_rate, row.month) == (
        "submitted", D("300.0000"), D("9.9900"), D("5.4000000000"), "2026-11")
    assert (row.regions, row.accepted_ids, row.recorded_by) == ("GT-HU", "passport", "collector@example.org")
    stored = tmp_path / "evidence" / row.evidence_file
    with Image.open(stored) as kept:
        assert kept.format == "JPEG" and kept.size == (40, 30)
        assert not kept.getexif() and b"TestCam" not in stored.read_bytes()
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert "observation recorded" in actions


def test_bad_input_is_refused_beside_its_field_and_writes_nothing(corridor, client, tmp_path):
    login_collector(client)
    before = table_counts()
    response = post(client, observation(client, send_amount="3,00.0", exchange_rate=""))
    assert response.status_code == 422
    page = text_of(response)
    assert "Give the exchange rate offered or the amount the family would receive." in page
    response = post(client, observation(client, action="save", receive_amount="1600"))
    assert response.status_code == 422
    assert "the family would receive 1,620.00, not 1,600.00" in text_of(response)
    response = post(client, observation(client, action="save",
                                        evidence=(io.BytesIO(b"MZ not an image at all"), "board.jpg")))
    assert response.status_code == 422
    assert "is not a JPEG, PNG or WebP image nor a PDF" in text_of(response)
    assert table_counts() == before
    assert not (tmp_path / "evidence").exists() or not any((tmp_path / "evidence").iterdir())


def test_an_image_bomb_and_a_file_too_large_are_refused(corridor, client):
    login_collector(client)
    bomb = io.BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, "PNG")  # 144 megapixels in a few kilobytes
    response = post(client, observation(client, action="save", evidence=(io.BytesIO(bomb.getvalue()), "b.png")))
    response.close()
    assert response.status_code == 422
    assert "more pixels than a photo" in text_of(response)
    # Encoded here, in memory: the test client would spool a body this large to a temporary file.
    boundary, body = encode_multipart(observation(client, action="save", evidence=FileStorage(
        io.BytesIO(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)), "big.pdf")))
    response = client.post("/collect", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "larger than 5 MB" in text_of(response)
    assert db.session.execute(select(PriceObservation)).first() is None


def test_only_collectors_and_administrators_record(corridor, client):
    login(client, "staff")
    assert client.get("/collect").status_code == 403
    assert client.get("/collect/rounds").status_code == 403


def test_an_administrator_approves_or_rejects_each_with_a_reason(corridor, client):
    login(client, "admin")
    assert post(client, observation(client, action="save")).status_code == 302
    assert post(client, observation(client, action="save", fee="70", provider="Otra")).status_code == 302
    first, second = db.session.execute(select(PriceObservation).order_by(PriceObservation.id)).scalars().all()
    page = text_of(client.get("/collect/rounds/CA-GT/2026-11"))
    assert "The fee is 23.33% of the amount, above 20%" in page
    token = csrf(client)
    refused = client.post(f"/collect/observations/{second.id}/review",
                          data={f"o{second.id}-csrf_token": token, "decision": "reject", f"o{second.id}-reason": ""})
    assert refused.status_code == 422
    assert "Say why the observation is rejected." in text_of(refused)
    assert client.post(f"/collect/observations/{second.id}/review", data={
        f"o{second.id}-csrf_token": token, "decision": "reject",
        f"o{second.id}-reason": "fee misread"}).status_code == 302
    assert client.post(f"/collect/observations/{first.id}/review", data={
        f"o{first.id}-csrf_token": token, "decision": "approve"}).status_code == 302
    db.session.expire_all()
    assert (first.status, second.status, second.review_reason) == ("approved", "rejected", "fee misread")
    assert first.product is not None and first.product.provider.name == "Remesas Uno"
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert {"observation approved", "observation rejected"} <= set(actions)


def test_a_login_made_a_collector_on_the_command_line_may_record(app, runner):
    result = runner.invoke(args=["remit", "create-user", "c@example.org", "--role", "staff", "--collector",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert auth.find_user("c@example.org").collector
    result = runner.invoke(args=["remit", "create-user", "s@example.org", "--role", "staff", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert not auth.find_user("s@example.org").collector


def test_a_published_observation_is_corrected_by_a_new_one_that_supersedes_it(corridor, client):
    login(client, "admin")
    assert post(client, observation(client, action="save")).status_code == 302
    first = db.session.execute(select(PriceObservation)).scalar_one()
    token = csrf(client)
    client.post(f"/collect/observations/{first.id}/review", data={f"o{first.id}-csrf_token": token,
                                                                  "decision": "approve"})
    page = client.get("/collect/rounds/CA-GT/2026-11").get_data(as_text=True)
    assert f"/collect?supersedes={first.id}" in page
    form = client.get(f"/collect?supersedes={first.id}").get_data(as_text=True)
    assert f'name="supersedes" type="hidden" value="{first.id}"' in form and 'value="9.99"' in form
    assert client.get("/collect?supersedes=999999").status_code == 404
    assert post(client, observation(client, action="save", fee="8.99", supersedes=str(first.id))).status_code == 302
    second = db.session.execute(select(PriceObservation).where(PriceObservation.id != first.id)).scalar_one()
    db.session.expire_all()
    assert (first.status, first.fee, second.supersedes_id, second.status) == ("approved", D("9.9900"), first.id,
                                                                              "submitted")


def pdf_with_metadata() -> bytes:
    """A one-page PDF whose document information and XMP name its author and the tool that made it."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 100))
    pdf.docinfo["/Author"] = "Maria Garcia"
    pdf.docinfo["/Producer"] = "SecretScanner 9"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Maria Garcia"]
        meta["xmp:CreatorTool"] = "SecretScanner 9"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_pdf_is_stored_without_its_document_information_and_xmp(corridor, client, tmp_path):
    import pikepdf

    original = pdf_with_metadata()
    assert b"Maria Garcia" in original and b"SecretScanner" in original
    login_collector(client)
    response = post(client, observation(client, action="save", evidence=(io.BytesIO(original), "receipt.pdf")))
    assert response.status_code == 302
    row = db.session.execute(select(PriceObservation)).scalar_one()
    assert row.evidence_type == "application/pdf"
    stored = (tmp_path / "evidence" / row.evidence_file).read_bytes()
    assert b"Maria Garcia" not in stored and b"SecretScanner" not in stored
    with pikepdf.open(io.BytesIO(stored)) as kept:
        assert len(kept.pages) == 1
        assert "/Info" not in kept.trailer and "/Metadata" not in kept.Root


def test_a_pdf_that_is_not_one_is_refused(corridor, client, tmp_path):
    login_collector(client)
    response = post(client, observation(client, action="save",
                                        evidence=(io.BytesIO(b"%PDF-1.4\nno objects at all\n%%EOF\n"), "x.pdf")))
    assert response.status_code == 422
    assert "is not a JPEG, PNG or WebP image nor a PDF" in text_of(response)
    assert not (tmp_path / "evidence").exists() or not any((tmp_path / "evidence").iterdir())


def test_evidence_is_not_left_behind_when_the_commit_fails(corridor, client, app, tmp_path):
    """The file is written, the observation flushed, then the database refuses the commit (a full disk):
    the answer is a 503, no observation is kept and the evidence folder is empty."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    login_collector(client)
    data = observation(client, action="save", evidence=(io.BytesIO(photo_with_gps()), "board.jpg"))

    def refuse(connection):
        raise OperationalError("COMMIT", {}, Exception("database or disk is full"))

    event.listen(db.engine, "commit", refuse)
    try:
        response = post(client, data)
    finally:
        event.remove(db.engine, "commit", refuse)
    assert response.status_code == 503
    assert db.session.execute(select(PriceObservation)).first() is None
    assert (tmp_path / "evidence").is_dir() and list((tmp_path / "evidence").iterdir()) == []
