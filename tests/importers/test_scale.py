"""Large files, bulk writes and recognising unchanged content: what the import writes, and that it
writes nothing at all when one row of a hundred thousand is bad."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import missing
from sqlalchemy import func, select

from remit.extensions import db
from remit.importers import run_import
from remit.importers.base import RowLoader, load_row, map_header
from remit.importers.fees import COLUMNS, ROW_GROUPS, FeeRowSchema
from remit.importers.readers import Table
from remit.models import ContentDigest, Corridor, FeeTier, Product, Provider
from remit.services import history

from ..conftest import table_counts
from .helpers import FEE_HEADER, csv_bytes, fee_row, generated_fee_table


def import_fees(data, name="fees.csv", **kwargs):
    return run_import("fees", data, name, actor="test", **kwargs)


def test_one_bad_row_at_row_99999_writes_nothing_and_is_named(app):
    def spoil(number, cells):
        if number == 99_999:
            cells[FEE_HEADER.index("fee_fixed")] = "12,50"

    data = generated_fee_table(99_999, spoil)  # the header and 99,999 data rows: rows 1 to 100,000
    before = table_counts()
    report = import_fees(data, max_rows=100_000)
    assert table_counts() == before
    assert not report.ok and report.more_problems == 0
    (problem,) = [str(p) for p in report.problems]
    assert problem.startswith("row 99999, column fee_fixed: ")
    # The same file without the bad cell: every row is written, in one import.
    fixed = import_fees(generated_fee_table(99_999), max_rows=100_000)
    assert fixed.ok and fixed.added == 99_999
    assert db.session.scalar(select(func.count()).select_from(FeeTier)) == 99_999


def test_one_provider_in_several_corridors_imports_without_warnings(app):
    """The SQLAlchemy warning 'Object of type <Product> not in session' came from products attached to
    their provider before the corridors were flushed; products are now written by their ids (and the
    suite turns any warning into an error)."""
    rows = [fee_row(send_country=s, receive_country=r, send_currency=sc, receive_currency=rc)
            for s, r, sc, rc in (("CA", "GT", "CAD", "GTQ"), ("US", "GT", "USD", "GTQ"), ("US", "MX", "USD", "MXN"),
                                 ("CA", "PH", "CAD", "PHP"))]
    report = import_fees(csv_bytes(rows))
    assert report.ok and report.added == 4, report.problems
    provider = db.session.execute(select(Provider)).scalar_one()
    corridors = sorted(f"{p.corridor.send_country}-{p.corridor.receive_country}" for p in provider.products)
    assert corridors == ["CA-GT", "CA-PH", "US-GT", "US-MX"]
    rows[2]["fee_fixed"] = "9.00"
    again = import_fees(csv_bytes(rows))
    assert (again.added, again.changed, again.unchanged) == (0, 1, 3)


def test_an_unchanged_file_is_recognised_and_a_changed_product_is_found(app):
    data = generated_fee_table(60)  # 6 products of 10 bands over 3 corridors
    first = import_fees(data)
    assert first.added == 60
    assert db.session.scalar(select(func.count()).select_from(ContentDigest)) == 6
    before = table_counts()
    again = import_fees(data)
    assert (again.result, again.unchanged, again.import_id) == ("no_change", 60, None)
    assert table_counts() == before

    # The same values written otherwise are not the same text: compared, and found unchanged.
    respelled = data.replace(b",0.5,", b",0.50,")
    assert import_fees(respelled).result == "no_change"

    def dearer(number, cells):
        if number == 2:  # the first band of the first product
            cells[FEE_HEADER.index("fee_fixed")] = "3.49"

    changed = import_fees(generated_fee_table(60, dearer))
    assert (changed.added, changed.changed, changed.retired, changed.unchanged) == (0, 1, 0, 59)
    # Reverting it restores the first table: the changed file is then a change again, not recognised.
    history.revert(changed.import_id, actor="test")
    db.session.commit()
    assert import_fees(generated_fee_table(60, dearer)).changed == 1


def test_digests_do_not_hide_a_provider_type_the_file_changes(app):
    import_fees(csv_bytes([fee_row()]))
    retyped = import_fees(csv_bytes([fee_row(provider_type="credit_union")]))
    assert retyped.details == ["provider Test Bank: type bank → credit_union"] and retyped.import_id is not None
    assert db.session.execute(select(Provider.type)).scalar_one() == "credit_union"


def test_problems_are_capped_and_the_rest_counted(app):
    data = generated_fee_table(250, lambda number, cells: cells.__setitem__(FEE_HEADER.index("speed"), "slow"))
    report = import_fees(data)
    assert len(report.problems) == 100 and report.more_problems == 150
    assert report.problem_lines()[-1] == "… and 150 more problems (the first 100 are listed)."
    assert str(report.problems[0]).startswith("row 2, column speed: ")


def test_the_preview_is_capped_and_the_rest_counted(app):
    report = import_fees(generated_fee_table(600), dry_run=True)
    assert report.added == 600 and len(report.preview) == 500 and report.more_preview == 100


def test_a_file_on_disk_is_read_as_a_stream(app, tmp_path):
    import hashlib

    path = tmp_path / "fees.csv"
    path.write_bytes(generated_fee_table(30))
    report = import_fees(path, path.name)
    assert report.ok and report.added == 30
    assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    stored = db.session.execute(select(FeeTier.fee_fixed, FeeTier.min_amount).order_by(FeeTier.id).limit(2)).all()
    assert stored == [(Decimal("1.99"), Decimal("1.00")), (Decimal("2.99"), Decimal("1001.00"))]
    assert db.session.scalar(select(func.count()).select_from(Corridor)) == 3
    assert db.session.scalar(select(func.count()).select_from(Product)) == 3


CELL = st.one_of(st.sampled_from(["", " ", "0", "-1", "1e3", "12.345", "9.99", "2026-02-30", "2026-01-01", "CA",
                                  "GTM", "xx", "bank", "BANK ", "=1", "passport;x", "GT-HU", "MX-CMX", "é"]),
                 st.text(max_size=12))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(FEE_HEADER) - 1), CELL), max_size=5),
       st.integers(len(FEE_HEADER) - 5, len(FEE_HEADER)))
def test_the_fast_row_loader_reads_every_row_as_the_schema_does(changes, width):
    cells = [fee_row()[name] for name in FEE_HEADER]
    for index, value in changes:
        cells[index] = value.strip()
    del cells[width:]  # a row cut short: its last cells are empty
    values = {name: cells[index] for name, index in _POSITIONS.items() if index < len(cells) and cells[index] != ""}
    expected = load_row(_SCHEMA, 2, values)
    # Column by column, and by the groups of columns the fee import reads together; each twice: the
    # second time from what the loader remembers of each cell, group and rule. The loaders are kept from
    # one example to the next, as from one row of a file to the next.
    for loader, groups in _LOADERS:
        assert loader.load(2, cells) == loader.load(2, list(cells)) == (expected[0], expected[1] or None)
        # Group by group, as the fee import takes them.
        by_group = (None, expected[1]) if expected[1] else (
            [tuple(expected[0].get(name, missing) for name in group) for group in groups], None)
        assert loader.load_groups(2, cells) == loader.load_groups(2, list(cells)) == by_group


_POSITIONS = map_header(Table(header=FEE_HEADER), COLUMNS)[0]
_SCHEMA = FeeRowSchema()
# Column by column; by the fee import's groups; by two of them (the amounts read one by one, and
# their rule looked up for its own fields).
_LOADERS = [(RowLoader(_SCHEMA, _POSITIONS, groups), groups) for groups in ((), ROW_GROUPS, ROW_GROUPS[:2])]


def test_a_rule_reads_only_the_fields_it_names():
    """RowLoader remembers a rule's answer for the texts of the fields the rule names: a rule that read
    another field would be remembered wrongly, so it is given those fields only."""
    schema = FeeRowSchema()
    for rule, names in schema.rules():
        row = schema.load({name: text for name, text in fee_row().items() if text})
        rule({name: row[name] for name in names})  # reads nothing else (a KeyError otherwise)


def test_the_same_rows_in_another_order_are_recognised_without_being_validated_again(app, monkeypatch):
    data = generated_fee_table(60)
    import_fees(data)
    header, *rows = data.decode().splitlines(keepends=True)
    reordered = (header + "".join(reversed(rows))).encode()
    loads = []
    original = RowLoader.load_groups
    monkeypatch.setattr(RowLoader, "load_groups", lambda self, row, cells: loads.append(row) or original(self, row, cells))
    report = import_fees(reordered, "reordered.csv")
    assert (report.result, report.unchanged, loads) == ("no_change", 60, [])
    # One product changed: only its ten rows are validated; the other five products are recognised.
    changed = reordered.replace(b"Provider 00000,mto,Product 0,CA,GT,CAD,GTQ,debit_card,cash_pickup,same_day,1.00,1000.00,1.99",
                                b"Provider 00000,mto,Product 0,CA,GT,CAD,GTQ,debit_card,cash_pickup,same_day,1.00,1000.00,2.49")
    assert changed != reordered
    report = import_fees(changed, "changed.csv")
    assert (report.changed, report.unchanged, len(loads)) == (1, 59, 10)


def _stamps_stored_and_actual():
    from remit.importers import digests

    stored = {int(subject): (rows, last_id) for subject, rows, last_id in db.session.execute(
        select(ContentDigest.subject, ContentDigest.rows, ContentDigest.last_id).where(ContentDigest.kind == "fees"))}
    actual = digests.in_force_stamps(FeeTier, FeeTier.product_id, FeeTier.id, (FeeTier.product_id.in_(stored),))
    return stored, actual


def test_the_digests_hold_the_tiers_in_force_as_stored(app):
    """New products' stamps (tiers in force, highest id) are worked out from the ids the import's
    tiers were given, the others read: either way they are those of the tiers in force."""
    import_fees(generated_fee_table(60))
    stored, actual = _stamps_stored_and_actual()
    assert len(stored) == 6 and stored == actual

    def changed(number, cells):
        if number in (2, 13):  # a band of each of the first two products
            cells[FEE_HEADER.index("fee_fixed")] = "3.49"

    rows = generated_fee_table(60, changed).decode().splitlines(keepends=True)
    more = generated_fee_table(80).decode().splitlines(keepends=True)[61:]  # two new products
    report = import_fees("".join(rows + more).encode())
    assert (report.added, report.changed, report.unchanged) == (20, 2, 58)
    stored, actual = _stamps_stored_and_actual()
    assert len(stored) == 8 and stored == actual
