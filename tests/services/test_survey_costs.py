"""The list of corridors is built anew after every import; the costs of its 13,000 surveyed services are
worked out again only when the survey's rows change."""
from __future__ import annotations

from sqlalchemy import select

from remit.extensions import db
from remit.models import AuditEvent, ImportRun, SurveyObservation
from remit.services import stats


def _new_version() -> None:
    """A provider edited in the admin pages: a new data version, nothing in the survey changed."""
    db.session.add(AuditEvent(actor="admin@example.org", action="provider changed", target="remitly"))
    db.session.commit()


def test_survey_costs_are_worked_out_again_only_when_the_survey_changes(seeded, monkeypatch):
    read = []
    original = stats._read_survey_costs
    monkeypatch.setattr(stats, "_read_survey_costs", lambda latest: read.append(1) or original(latest))
    stats._costs_by_survey_state.clear()

    before = {line.summary.code: line.latest for line in stats.corridor_lines()}
    assert len(read) == 1
    _new_version()
    again = {line.summary.code: line.latest for line in stats.corridor_lines()}
    assert len(read) == 1 and again == before  # the list built again, from the costs kept

    # One service of a surveyed corridor's latest quarter retired (as an import retires it): its costs
    # are read again, and the corridor's average is worked out without it.
    code, line = next((c, l) for c, l in before.items() if l.basis == stats.SURVEY and l.stats.services > 2)
    send, receive = code.split("-")
    observation = db.session.execute(
        select(SurveyObservation).join(SurveyObservation.corridor)
        .where(SurveyObservation.period == line.period, SurveyObservation.retired_by_import_id.is_(None))
        .where(SurveyObservation.corridor.has(send_country=send, receive_country=receive))).scalars().first()
    observation.retired_by_import_id = db.session.execute(select(ImportRun.id)).scalars().first()
    _new_version()
    after = {line.summary.code: line.latest for line in stats.corridor_lines()}
    assert len(read) == 2
    assert after[code].stats.average_total_cost_pct_200 != line.stats.average_total_cost_pct_200
    assert {c: l for c, l in after.items() if c != code} == {c: l for c, l in before.items() if c != code}
