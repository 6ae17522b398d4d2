"""What an import changed, and reverting it.

Nothing is deleted or updated in place: a revert is itself an import run. It retires the rows the
reverted import added and adds copies of the rows it retired, so the data in force is again what it
was before, every earlier state stays visible, and the revert can be reverted the same way.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import FeeTier, ImportRun, PublishedAverage, ReferenceRate, SurveyObservation, SurveyPricePoint
from . import audit

# The tables each kind of import writes: an RPW import writes survey rows or published averages.
MODELS = {"fees": (FeeTier,), "rates": (ReferenceRate,), "rpw": (SurveyObservation, PublishedAverage)}
COPY_SKIP = {"id", "import_id", "retired_by_import_id", "retired_on", "created_at"}


class RevertError(ValueError):
    pass


@dataclass
class Changes:
    run: ImportRun
    added: list
    retired: list


def changes_of(run: ImportRun) -> Changes:
    added, retired = [], []
    for model in MODELS[run.kind]:
        options = [selectinload(SurveyObservation.price_points)] if model is SurveyObservation else []
        added += db.session.execute(select(model).where(model.import_id == run.id).options(*options)
                                    .order_by(model.id)).scalars().all()
        retired += db.session.execute(select(model).where(model.retired_by_import_id == run.id).options(*options)
                                      .order_by(model.id)).scalars().all()
    return Changes(run, added, retired)


def _copy(row, run_id: int):
    model = type(row)
    values = {c.key: getattr(row, c.key) for c in model.__table__.columns if c.key not in COPY_SKIP}
    copy = model(**values, import_id=run_id)
    if isinstance(row, SurveyObservation):
        for point in row.price_points:
            copy.price_points.append(SurveyPricePoint(**{
                c.key: getattr(point, c.key) for c in SurveyPricePoint.__table__.columns
                if c.key not in {"id", "observation_id"}}))
    return copy


def revert_preview(run_id: int) -> Changes:
    """What reverting import #run_id would change: the rows it added (to retire) and those it retired
    (to restore). Raises RevertError when it cannot be reverted."""
    run = db.session.get(ImportRun, run_id)
    if run is None:
        raise RevertError(f"there is no import #{run_id}")
    changes = changes_of(run)
    later = sorted({row.retired_by_import_id for row in changes.added if row.retired_by_import_id is not None})
    if later:
        raise RevertError(f"import #{later[0]} changed these tables after import #{run.id}: revert it first")
    if not changes.added and not changes.retired:
        raise RevertError(f"import #{run.id} changed nothing that could be reverted")
    return changes


def revert(run_id: int, actor: str) -> ImportRun:
    """Undo import #run_id; the caller commits. Refused when a later import changed the same rows."""
    changes = revert_preview(run_id)
    run = changes.run
    stamp = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    revert_run = ImportRun(kind=run.kind, filename=f"revert of import #{run.id}"[:255], sha256=run.sha256,
                           actor=actor[:200], started_at=stamp, finished_at=stamp, rows=0,
                           added=len(changes.retired), changed=0, retired=len(changes.added), unchanged=0,
                           result=f"reverts #{run.id}", summary=f"reverts import #{run.id} ({run.filename})")
    db.session.add(revert_run)
    db.session.flush()
    today = dt.date.today()
    for row in changes.added:
        row.retired_by_import_id = revert_run.id
        if isinstance(row, FeeTier):
            row.retired_on = today
    for row in changes.retired:
        db.session.add(_copy(row, revert_run.id))
    audit.record("import reverted", f"import #{run.id}", {"revert_import": revert_run.id,
                                                          "restored": len(changes.retired), "retired": len(changes.added)},
                 actor=actor)
    return revert_run


def run(run_id: int) -> ImportRun | None:
    return db.session.get(ImportRun, run_id)


def run_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ImportRun))


def recent_runs(limit: int = 50, offset: int = 0) -> list[ImportRun]:
    return list(db.session.execute(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit).offset(offset))
                .scalars())
