"""Schemathesis against the app's own OpenAPI document: every operation, every check, seeded and bounded.

Every check schemathesis has runs on every generated request (no 5xx; documented status, content type,
headers and body; schema-violating requests refused; schema-valid ones accepted; 405 with Allow for
other methods; auth not ignored). `REMIT_FUZZ_EXAMPLES` (default 25) examples per operation, derandomized:
the same requests each run. bench/fuzz.sh runs the same with many more examples.

A request the document calls valid can still name things the data does not hold, or break a rule
that OpenAPI cannot state. The test steers the requests generated as valid (never those generated
to be invalid) to what the seeded server holds, for exactly these rules:
- quotes: a corridor remit holds, in a currency it is priced in (the contract's 422 otherwise), and one
  of `amount` / `receive_amount` (two query parameters cannot be tied together in OpenAPI 3); a region
  of the receiving country; a page within the first three;
- statistics, providers, imports: corridors, slugs and import ids that exist (or one that does not: 404);
- bundles: CA-GT, the seeded corridor with a bank-to-bank fee table; members with different refs (JSON
  Schema's uniqueItems compares whole members); products of that corridor, for an amount they take
  (350); a group of at least 100 that fits in 1,000 transfers of its bands, and a cap of at least 1,000
  that does too;
  fees of at most 25 each (fees larger than what a transfer carries leave nothing to plan), each in
  CAD, USD or EUR when a currency is named (the seeds' rates reach those);
- imports: a seed file of the kind asked for (a file's rows are not a JSON Schema matter);
- observations (with a `collect` key): CA-GT in its currencies, observed on a day of the seeds' rates, the
  rate offered (the amount received, when given with it, must agree: no JSON Schema matter), regions of
  Guatemala, and no `supersedes` (it must name a published observation);
- the ledger (with a `ledger` key): the saved group and the cycle the setup records (or ids that do not
  exist: 404); a cycle recorded from a plan that bundles, without entries (that the entries add up, a wire
  within the contributions, payouts to the cycle's members, is no JSON Schema matter).
"""
from __future__ import annotations

import collections
import copy
import datetime as dt
import os
import random
import tempfile
from decimal import Decimal

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from sqlalchemy import select

from remit import codes, create_app
from remit.extensions import db
from remit.importers import run_import
from remit.models import Corridor, FeeTier, ImportRun, Product, Provider
from remit.services.keys import create_key

from ..seeds import suite_files

EXAMPLES = int(os.environ.get("REMIT_FUZZ_EXAMPLES", "25"))
ANSWERS: collections.Counter = collections.Counter()  # (mode, status class) of every request sent


def _seeded_app():
    folder = tempfile.mkdtemp(prefix="remit-fuzz-")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/fuzz.db",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        for kind, name, data in suite_files():
            run_import(kind, data, name, actor="fuzz")
        _, key = create_key("fuzz", "import")
        _, ledger_key = create_key("fuzz ledger", "ledger")
        _, read_key = create_key("fuzz reads", "read")
        _, collect_key = create_key("fuzz collect", "collect")
        group, cycle = _ledger_group()
        db.session.commit()
        corridors = [(c.send_country, c.receive_country, c.send_currency) for c in db.session.scalars(select(Corridor))]
        products = {"CA-GT": [f"ft-{p.id}" for p in db.session.scalars(select(Product).join(Corridor).where(
            Corridor.send_country == "CA", Corridor.receive_country == "GT"))]}
        widest = max(t.max_amount for t in db.session.scalars(select(FeeTier).join(Product).where(
            Product.funding_method == "bank_account", Product.payout_method == "bank_account")))
        data = {"key": key, "corridors": corridors, "products": products, "widest_band": widest,
                "slugs": sorted(db.session.scalars(select(Provider.slug))),
                "imports": sorted(db.session.scalars(select(ImportRun.id))), "ledger_key": ledger_key, "read_key": read_key,
                "collect_key": collect_key,
                "group": group, "cycle": cycle, "season": dt.date.today().year}
        db.session.remove()
    return app, data


LEDGER_PLAN = {"send": "CA", "receive": "GT", "currency": "CAD", "members": [
    {"ref": f"w{i:02d}", "amount": "500"} for i in range(1, 13)]}


def _ledger_group() -> tuple[int, int]:
    """A saved CA-GT group with one open cycle, planned today: what the ledger's operations name."""
    from remit.models import BundleGroup
    from remit.services import bundles, ledger

    group = BundleGroup(name="Fuzz", send_country="CA", receive_country="GT", currency="CAD", members="",
                        settings="{}", created_by="fuzz")
    db.session.add(group)
    db.session.flush()
    plan = bundles.plan(bundles.BundleRequest("CA", "GT", "CAD", [
        bundles.MemberInput(m["ref"], Decimal(m["amount"])) for m in LEDGER_PLAN["members"]]))
    cycle = ledger.create_cycle(group, plan, dt.date.today(), actor="fuzz")
    return group.id, cycle.id


APP, DATA = _seeded_app()
SEED_FILES = {kind: [data for of_kind, _, data in suite_files() if of_kind == kind] for kind in ("rates", "fees", "rpw")}
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
load_all_checks()


def _positive(case) -> bool:
    return case.meta is not None and not case.meta.generation.mode.is_negative


def _operation(case) -> str:
    return f"{case.operation.method.upper()} {case.operation.path}"


def _regions(country: str) -> list[str]:
    return sorted(codes.subdivisions(country))


def _steer(case) -> None:
    """Make a request generated as valid name what the server holds (see the module's docstring)."""
    chooser = random.Random(repr((case.operation.path, case.query, case.path_parameters, case.body)))

    def draw(options):
        return chooser.choice(options)

    operation = _operation(case)
    query = case.query if isinstance(case.query, dict) else None
    if query is not None and "page" in query:
        query["page"] = draw([1, 2, 3])
    if operation == "GET /api/v1/quotes":
        send, receive, currency = draw(DATA["corridors"])
        query.update(send=send, receive=receive, currency=currency)
        if ("amount" in query) == ("receive_amount" in query):
            query.pop(draw(["amount", "receive_amount"]), None)
            query.setdefault("receive_amount" if "amount" not in query else "amount", "300")
            if "amount" in query and "receive_amount" in query:
                del query["receive_amount"]
        if "region" in query:
            query["region"] = draw(_regions(receive) or ["no region"])
            if query["region"] == "no region":
                del query["region"]
    elif operation == "GET /api/v1/corridors/{code}/stats":
        send, receive, _ = draw(DATA["corridors"])
        case.path_parameters["code"] = f"{send}-{receive}"
    elif operation == "GET /api/v1/corridors/{code}/guide":
        send, receive, _ = draw(DATA["corridors"])
        case.path_parameters["code"] = f"{send}-{receive}"
    elif operation == "GET /api/v1/providers/{slug}":
        case.path_parameters["slug"] = draw([*DATA["slugs"], "no-such-provider"])
    elif operation == "GET /api/v1/imports/{import_id}":
        case.path_parameters["import_id"] = draw([*DATA["imports"], 999_999])
    elif operation in ("GET /api/v1/ledger/groups/{group_id}/cycles", "GET /api/v1/ledger/groups/{group_id}/seasons/{year}"):
        case.path_parameters["group_id"] = draw([DATA["group"], DATA["group"], 999_999])
        if "year" in case.path_parameters:
            case.path_parameters["year"] = DATA["season"]
    elif operation == "GET /api/v1/ledger/cycles/{cycle_id}":
        case.path_parameters["cycle_id"] = draw([DATA["cycle"], DATA["cycle"], 999_999])
    elif operation == "POST /api/v1/ledger/groups/{group_id}/cycles" and isinstance(case.body, dict):
        # The group's next cycle from a plan that bundles, planned today; the entries of what happened
        # must add up (a wire within the contributions, payouts to members), which no schema can say.
        case.path_parameters["group_id"] = DATA["group"]
        case.body.clear()
        case.body["plan"] = copy.deepcopy(LEDGER_PLAN)
    elif operation == "POST /api/v1/observations" and isinstance(case.body, dict):
        case.body.update(send_country="CA", receive_country="GT", send_currency="CAD", receive_currency="GTQ",
                         observed_on=draw(["2025-10-01", (dt.date.today() - dt.timedelta(days=1)).isoformat()]))
        case.body.pop("supersedes", None)
        if "exchange_rate" in case.body:
            case.body.pop("receive_amount", None)
        if "regions" in case.body:
            case.body["regions"] = case.body["regions"] and ["GT-HU"]
    elif operation == "GET /api/v1/observations/{observation_id}":
        case.path_parameters["observation_id"] = draw([1, 999_999])
    elif operation == "POST /api/v1/bundles" and isinstance(case.body, dict):
        _steer_bundle(draw, case.body)
    elif operation == "POST /api/v1/imports" and isinstance(case.body, dict) and case.body.get("kind") in SEED_FILES:
        case.body["file"] = draw(SEED_FILES[case.body["kind"]])


def _steer_bundle(draw, body: dict) -> None:
    body.update(send="CA", receive="GT", currency="CAD")
    members = body.get("members") or []
    for index, member in enumerate(members):
        member["ref"] = f"{index}:{member.get('ref', '')}"[:64]
        if "product" in member:  # today's service, at an amount each of the seeded products takes
            member["product"] = draw(DATA["products"]["CA-GT"])
            member["amount"] = "350"
    body.pop("bulk_product", None)
    # Fees per transfer that leave something to transfer (a fee above the amounts carries nothing), in a
    # currency the seeds have a rate for (another is the contract's 422 naming the fee's currency).
    for name in ("coordinator_fee", "incoming_fee", "intermediary_fee", "distribution_fee"):
        if body.get(name) and Decimal(body[name]) > 25:
            body[name] = "25.00"
        if body.get(f"{name}_currency") is not None:
            body[f"{name}_currency"] = draw(["CAD", "USD", "EUR"])
    # A group the bank's bands can carry in at most 1,000 transfers, under the cap when one is given.
    cap = Decimal(body["max_transfer"]) if body.get("max_transfer") else DATA["widest_band"]
    cap = min(cap, DATA["widest_band"])
    while len(members) > 1 and sum(Decimal(m["amount"]) for m in members) > cap * 1000:
        members.pop()
    if members and (Decimal(members[0]["amount"]) > cap * 1000
                    or sum(Decimal(m["amount"]) for m in members) < 100):
        members[0]["amount"] = "350"
    if body.get("max_transfer") and (Decimal(body["max_transfer"]) < 1000 or Decimal(body["max_transfer"]) * 1000
                                     < sum(Decimal(m["amount"]) for m in members)):
        del body["max_transfer"]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case):
    # Every check schemathesis knows. Called through WSGI, where nothing decodes a compressed body as an
    # HTTP client would: the body is asked for plain.
    key = (DATA["ledger_key"] if case.operation.path.startswith("/api/v1/ledger")
           else DATA["collect_key"] if case.operation.path.startswith("/api/v1/observations") else DATA["key"])
    headers = {"Accept-Encoding": "identity", "Authorization": f"Bearer {key}"}
    if _positive(case):
        _steer(case)
    response = case.call(headers=headers)
    mode = "positive" if _positive(case) else "negative" if case.meta is not None else "example"
    ANSWERS[(mode, response.status_code // 100 * 100)] += 1
    case.validate_response(response, checks=CHECKS.get_all(), headers=headers)


def test_most_valid_requests_reach_the_handlers():
    """Run after the fuzzing above: of the requests generated as valid, most are answered 2xx."""
    positive = {status: n for (mode, status), n in ANSWERS.items() if mode == "positive"}
    assert sum(positive.values()) > 100, ANSWERS
    assert positive.get(200, 0) > 0.6 * sum(positive.values()), ANSWERS
    print("schemathesis answers by mode and status class:", dict(sorted(ANSWERS.items())))


@schema.parametrize()
@settings(max_examples=max(5, EXAMPLES // 3), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_with_a_read_key(case):
    """The same checks with a partner's read key: imports, the ledger and submitting an observation answer
    403 (documented), the rest as above."""
    headers = {"Accept-Encoding": "identity", "Authorization": f"Bearer {DATA['read_key']}"}
    if _positive(case):
        _steer(case)
    response = case.call(headers=headers)
    if _positive(case) and (case.operation.path.startswith(("/api/v1/imports", "/api/v1/ledger"))
                            or _operation(case) == "POST /api/v1/observations"):
        assert response.status_code == 403, (response.status_code, response.text[:200])
    case.validate_response(response, checks=CHECKS.get_all(), headers=headers)
