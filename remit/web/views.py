"""Staff pages: compare, corridor statistics, providers, the bundle calculator."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from wtforms.fields.choices import SelectChoice
from flask_babel import get_locale
from flask_babel import gettext as _

from .. import codes
from ..domain.ranking import Filters
from ..importers.members import read_members, read_pasted
from ..inputs import MAX_MEMBERS, MAX_TRANSFERS_PER_YEAR, record_id
from ..services import bundles, catalog, results, stats
from ..services.reference import find_corridor
from ..services.snapshot import snapshot
from . import bp, charts
from ..i18n import number as format_number
from ..i18n import translate
from .format import country_name, region_name
from .forms import BundleForm, CompareForm, choices, read_amount


def _country_choices(codes_: set[str]):
    return sorted(((c, country_name(c)) for c in codes_), key=lambda item: item[1])


def _corridor_choices(form) -> list:
    corridors = catalog.corridor_summaries()
    form.send.choices = choices([("", _("Choose…"))] + _country_choices({c.send_country for c in corridors}))
    form.receive.choices = choices([("", _("Choose…"))] + _country_choices({c.receive_country for c in corridors}))
    currencies = sorted({c.send_currency for c in corridors} | {c.receive_currency for c in corridors})
    form.currency.choices = choices([("", _("The sending country's"))] + [(c, c) for c in currencies])
    return corridors


def _region_choices(form, corridors) -> None:
    """Regions grouped by country; their names are ISO's (translated where ISO has a translation)."""
    regions = [SelectChoice("", _("Anywhere"))]
    for country in sorted({c.receive_country for c in corridors}):
        group = country_name(country)
        for code, (name, _kind) in sorted(codes.subdivisions(country).items(), key=lambda item: item[1][0]):
            regions.append(SelectChoice(code, region_name(name), {"translate": "no"}, group))
    form.region.choices = regions


@bp.get("/")
def index():
    # "Change this comparison" comes back with the query: the form shows what was asked.
    form = CompareForm(formdata=request.args or None)
    corridors = _corridor_choices(form)
    _region_choices(form, corridors)
    return render_template("web/index.html", form=form, corridors=corridors)


@bp.get("/compare")
def compare():
    form = CompareForm(formdata=request.args)
    corridors = _corridor_choices(form)
    _region_choices(form, corridors)
    corridor = amount = None
    if form.validate():
        corridor = find_corridor(form.send.data, form.receive.data)
        if corridor is None:
            form.receive.errors.append(_("remit has no data yet for this corridor: %(send)s → %(receive)s.",
                                         send=country_name(form.send.data), receive=country_name(form.receive.data)))
        else:
            sending = form.mode.data == "send"
            wanted = corridor.send_currency if sending else corridor.receive_currency
            if form.currency.data and form.currency.data != wanted:
                form.currency.errors.append(
                    _("The sending country, %(country)s, uses %(currency)s.",
                      country=country_name(corridor.send_country), currency=wanted) if sending
                    else _("The family receives %(currency)s.", currency=wanted))
            else:
                amount = read_amount(form.amount, wanted)
    if corridor is None or form.errors:
        return render_template("web/index.html", form=form, corridors=corridors), 422
    filters = Filters(payout_method=form.payout_method.data or None, max_speed=form.max_speed.data or None,
                      region=form.region.data or None, id_held=form.id_type.data or None)
    sending = form.mode.data == "send"
    found = results.results(corridor, corridor.send_currency, amount=amount if sending else None,
                            receive_amount=None if sending else amount, filters=filters)
    quotes = found.comparison.quotes
    chart = None
    if quotes:
        rows = [(f"{found.comparison.info[q.service.key].provider_name} · "
                 f"{found.comparison.info[q.service.key].product_name}"[:48], q.total_cost) for q in quotes[:15]]
        chart = charts.cost_bars(_("Total cost per service (%(currency)s)", currency=corridor.send_currency), rows)
    return render_template("web/results.html", form=form, corridor=corridor, found=found, result=found.comparison,
                           stats=found.stats, best=found.comparison.recommended, chart=chart,
                           new_comparison=url_for("web.index", **request.args.to_dict()),
                           region_label=next((f"{c.label} ({c.optgroup})" for c in form.region.choices
                                              if c.value == filters.region), filters.region))


@bp.get("/corridors/<code>")
def corridor_page(code: str):
    send, _sep, receive = code.upper().partition("-")
    try:
        corridor = find_corridor(codes.country(send), codes.country(receive))
    except codes.CodeError:
        abort(404)
    if corridor is None:
        abort(404)
    with snapshot():
        history = stats.trend(corridor)
        providers = [p for p in catalog.provider_details() if corridor.code in p["corridors"]]
    current = history[-1]
    chart = charts.trend(
        _("Average total cost, in percent of the amount sent"), [p.period for p in history],
        {_("Average at USD 200"): [p.stats.average_total_cost_pct_200 for p in history],
         _("Average at USD 500"): [p.stats.average_total_cost_pct_500 for p in history],
         _("SmaRT (3 cheapest)"): [p.stats.smart_pct for p in history]})
    by_type: dict[str, list] = {}
    for provider in providers:
        by_type.setdefault(provider["type"] or "", []).append(provider)
    # Types come from fee tables and RPW's workbooks; RPW's 2025 per-quote file gives none.
    return render_template("web/corridor.html", corridor=corridor, current=current, history=history, chart=chart,
                           by_type=sorted(by_type.items()))


@bp.get("/providers")
def providers():
    return render_template("web/providers.html", providers=catalog.provider_details())


@bp.get("/providers/<slug>")
def provider(slug: str):
    found = catalog.provider_details(slug)
    if not found:
        abort(404)
    return render_template("web/provider.html", provider=found[0])


def _members_from_form(form: BundleForm, currency: str) -> tuple[list, list[str]]:
    locale = str(get_locale())
    members, problems = [], []
    for index, row in enumerate(form.rows.entries, start=1):
        ref, amount = (row.form.ref.data or "").strip(), (row.form.amount.data or "").strip()
        if not ref and not amount:
            continue
        if not ref or not amount:
            row.form.amount.errors.append(_("Give both a reference and an amount."))
            problems.append(_("Row %(n)s: give both a reference and an amount.", n=index))
            continue
        value = read_amount(row.form.amount, currency)
        if value is None:
            problems.append(_("Row %(n)s: %(problem)s", n=index, problem=translate(row.form.amount.errors[-1])))
        else:
            members.append(bundles.MemberInput(ref, value))
    lists = []
    if form.pasted.data and form.pasted.data.strip():
        lists.append(read_pasted(form.pasted.data, currency, locale))
    if form.upload.data:
        lists.append(read_members(form.upload.data.read(), form.upload.data.filename or "members.csv", currency,
                                  locale))
    for more, list_problems in lists:
        members.extend(more)
        problems.extend(translate(p.text()) for p in list_problems)
    refs = [m.ref for m in members]
    for ref in sorted({r for r in refs if refs.count(r) > 1}):
        problems.append(_("The reference %(ref)s is used twice.", ref=ref))
    if not members and not problems:
        problems.append(_("Enter at least one member."))
    return members, problems


def _saved_groups():
    from flask_login import current_user
    from sqlalchemy import select

    from ..extensions import db
    from ..models import BundleGroup

    if not current_user.is_authenticated:
        return []
    return db.session.execute(select(BundleGroup).order_by(BundleGroup.name)).scalars().all()


def _load_group(form: BundleForm, group_id: int) -> None:
    import json

    from flask_login import current_user

    from ..extensions import db
    from ..models import BundleGroup

    if not current_user.is_authenticated:
        abort(403)
    group = db.session.get(BundleGroup, group_id)
    if group is None:
        abort(404)
    form.send.data, form.receive.data, form.currency.data = group.send_country, group.receive_country, group.currency
    form.pasted.data = group.members
    for name, value in json.loads(group.settings or "{}").items():
        if name in form and value is not None:
            form[name].data = str(value)


@bp.route("/bundle", methods=["GET", "POST"])
def bundle():
    form = BundleForm()
    _corridor_choices(form)  # fills the country selects
    if request.method == "GET":
        if request.args.get("group"):
            group_id = record_id(request.args["group"])
            if group_id is None:
                abort(404)
            _load_group(form, group_id)
        return render_template("web/bundle.html", form=form, result=None, problems=[], groups=_saved_groups())
    problems: list[str] = []
    result = None
    if form.validate_on_submit():
        corridor = find_corridor(form.send.data, form.receive.data)
        if corridor is None:
            form.receive.errors.append(_("remit has no data for this corridor yet."))
        elif form.currency.data and form.currency.data != corridor.send_currency:
            form.currency.errors.append(_("The sending country, %(country)s, uses %(currency)s.",
                                          country=country_name(corridor.send_country),
                                          currency=corridor.send_currency))
        else:
            members, problems = _members_from_form(form, corridor.send_currency)
            fees = {name: form.fee(getattr(form, name), corridor.send_currency)
                    for name in ("distribution_fee", "incoming_fee", "coordinator_fee")}
            per_year = (form.transfers_per_year.data or "").strip()
            if per_year and not (per_year.isascii() and per_year.isdigit() and len(per_year) <= 3
                                 and 1 <= int(per_year) <= MAX_TRANSFERS_PER_YEAR):
                form.transfers_per_year.errors.append(_("Write a whole number from 1 to 366."))
            if len(members) > MAX_MEMBERS:
                problems.append(_("A group has at most %(limit)s members.", limit=format_number(MAX_MEMBERS, 0)))
            if not problems and not form.errors and None not in fees.values():
                try:
                    result = bundles.plan(bundles.BundleRequest(
                        send=corridor.send_country, receive=corridor.receive_country, currency=corridor.send_currency,
                        members=members, allocation=form.allocation.data,
                        transfers_per_year=int(per_year) if per_year else None, **fees))
                except bundles.BundleInputError as exc:
                    problems.append(translate(exc.message))
    if result is None:
        return render_template("web/bundle.html", form=form, result=None, problems=problems,
                               groups=_saved_groups()), 422
    plan = result.plan
    chart = charts.savings_curve(
        _("Saving per member by group size (%(currency)s)", currency=result.request.currency),
        [(p.members, p.saving_per_member) for p in plan.curve]) if plan.curve else None
    members_text = "\n".join(f"{m.ref}\t{m.amount}" for m in result.request.members)
    return render_template("web/bundle.html", form=form, result=result, plan=plan, chart=chart, problems=[],
                           members_text=members_text, groups=[])


@bp.post("/bundle/groups")
def save_group():
    """Staff save a group (its members and settings) to plan it again later."""
    import json

    from flask import flash, redirect, url_for
    from flask_login import current_user

    from ..admin.auth import audit, role_required
    from ..extensions import db
    from ..models import BundleGroup

    @role_required("admin", "staff")
    def save():
        name = (request.form.get("name") or "").strip()
        send, receive = request.form.get("send", ""), request.form.get("receive", "")
        currency = request.form.get("currency", "")
        members_text = request.form.get("members", "")
        try:
            send, receive, currency = codes.country(send), codes.country(receive), codes.currency(currency)
        except codes.CodeError:
            abort(422)
        members, problems = read_pasted(members_text, currency, "en")
        if not name or len(name) > 120 or problems or not members:
            flash(_("The group could not be saved: give it a name of at most 120 characters."))
            return redirect(url_for("web.bundle"))
        settings = {k: request.form.get(k) for k in ("distribution_fee", "incoming_fee", "coordinator_fee",
                                                      "allocation", "transfers_per_year")}
        group = BundleGroup(name=name, send_country=send, receive_country=receive, currency=currency,
                            members=members_text.strip(), settings=json.dumps(settings), created_by=current_user.email)
        db.session.add(group)
        db.session.flush()
        audit("bundle group saved", f"{group.id} {group.name}", {"members": len(members)})
        db.session.commit()
        flash(_("The group %(name)s was saved.", name=name))
        return redirect(url_for("web.bundle", group=group.id))

    return save()
