"""Staff pages: compare, corridor statistics, providers (the group transfer is in web/group)."""
from __future__ import annotations

from functools import lru_cache

from flask import abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from ... import codes
from ...domain import stats as stats_rules
from ...domain.ranking import Filters
from ...i18n import number, quarter
from ...inputs import page_number
from ...services import catalog, results, stats
from ...services.comparison import freshness
from ...services.reference import find_corridor
from ...services.snapshot import snapshot
from .. import charts
from ..format import country_name, product_text, region_name
from ..forms import choices, corridor_choices, country_choices, read_amount
from .forms import CompareForm, CorridorListForm


def _region_choices(form, corridors) -> None:
    form.region.choices = list(_regions(str(get_locale()), tuple(sorted({c.receive_country for c in corridors}))))


@lru_cache(maxsize=16)
def _regions(_locale: str, countries: tuple[str, ...]) -> tuple[SelectChoice, ...]:
    """Regions grouped by country, in the page's language (the locale is part of the cache key); their
    names are ISO's (translated where ISO has a translation). Hundreds of options: made once."""
    regions = [SelectChoice("", _("Anywhere"))]
    for country in countries:
        group = country_name(country)
        for code, (name, _kind) in sorted(codes.subdivisions(country).items(), key=lambda item: item[1][0]):
            regions.append(SelectChoice(code, region_name(name), None, group))
    return tuple(regions)


@lru_cache(maxsize=128)
def _trend_chart(_locale: str, labels: tuple, series: tuple, targets: tuple) -> str:
    """A corridor's trend chart, drawn once for the same figures, words and language (the axis writes
    numbers as the language does; pygal takes some 15 ms)."""
    return charts.trend(list(labels), [(name, list(values)) for name, values in series], list(targets))


def index():
    # "Change this comparison" comes back with the query: the form shows what was asked.
    form = CompareForm(formdata=request.args or None)
    corridors = corridor_choices(form)
    _region_choices(form, corridors)
    return render_template("compare/index.html", form=form, corridors=corridors)


def compare():
    form = CompareForm(formdata=request.args)
    corridors = corridor_choices(form)
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
        return render_template("compare/index.html", form=form, corridors=corridors), 422
    filters = Filters(payout_method=form.payout_method.data or None, max_speed=form.max_speed.data or None,
                      region=form.region.data or None, id_held=form.id_type.data or None)
    sending = form.mode.data == "send"
    found = results.results(corridor, corridor.send_currency, amount=amount if sending else None,
                            receive_amount=None if sending else amount, filters=filters)
    chart, chart_illustrative = _cost_chart(found.comparison)
    return render_template("compare/results.html", form=form, corridor=corridor, found=found, result=found.comparison,
                           stats=found.stats, best=found.comparison.recommended, chart=chart,
                           chart_illustrative=chart_illustrative,
                           new_comparison=url_for("compare.index", **request.args.to_dict()),
                           region_label=next((f"{c.label} ({c.optgroup})" for c in form.region.choices
                                              if c.value == filters.region), filters.region))


def _cost_chart(comparison) -> tuple[str | None, str]:
    """The bar chart of the 15 cheapest services, each named by its provider and product in the reader's
    language; and whether its prices are illustrative: "all", "some" (those labels end with " *") or ""."""
    quotes = comparison.quotes[:15]
    if not quotes:
        return None, ""
    infos = [comparison.info[q.service.key] for q in quotes]
    products = [product_text(i.product_name, i.product_terms) for i in infos]
    marked = sum(1 for i in infos if i.illustrative)
    mixed = 0 < marked < len(infos)
    labels = charts.service_labels([(i.provider_name, product) for i, product in zip(infos, products)],
                                   charts.BAR_LABEL_CHARACTERS - (2 if mixed else 0))
    if mixed:
        labels = [label + " *" if i.illustrative else label for label, i in zip(labels, infos)]
    rows = [(label, f"{i.provider_name} · {product}", q.total_cost)
            for label, i, product, q in zip(labels, infos, products, quotes)]
    chart = charts.cost_bars(_("Total cost per service (%(currency)s)", currency=comparison.send_currency), rows,
                             number=number)
    return chart, "all" if marked == len(infos) else "some" if marked else ""


CORRIDORS_PER_PAGE = 50


def corridors():
    """Every corridor held, with its latest average, SmaRT, UN target and data date; filtered and
    sorted by a GET form (no script), 50 a page."""
    form = CorridorListForm(formdata=request.args or None)
    lines = stats.corridor_lines()
    total = len(lines)
    form.send.choices = choices([("", _("Any country"))] + country_choices({l.summary.send_country for l in lines}))
    form.receive.choices = choices([("", _("Any country"))]
                                   + country_choices({l.summary.receive_country for l in lines}))
    if request.args and not form.validate():
        return render_template("compare/corridors.html", form=form, lines=[], total=total, page=1, pages=1), 422
    found, total = stats.corridor_list(send=form.send.data or None, receive=form.receive.data or None,
                                       status=form.status.data or None, sort=form.sort.data or "country",
                                       name=country_name)
    pages = max(1, -(-len(found) // CORRIDORS_PER_PAGE))
    page = page_number(request.args.get("page"), pages)
    if page is None:
        abort(404)
    shown = found[(page - 1) * CORRIDORS_PER_PAGE: page * CORRIDORS_PER_PAGE]
    return render_template("compare/corridors.html", form=form, lines=shown, matching=len(found), total=total,
                           page=page, pages=pages, sort=form.sort.data or "country", freshness=freshness())


def _corridor_of(code: str):
    """The corridor a page's address names (CA-GT, any case); a 404 for any other."""
    send, _sep, receive = code.upper().partition("-")
    try:
        found = find_corridor(codes.country(send), codes.country(receive))
    except codes.CodeError:
        abort(404)
    if found is None:
        abort(404)
    return found


def _corridor_trend(current, quarters) -> str | None:
    """The chart of the corridor's averages quarter by quarter against the UN targets; None for a corridor
    known only from fee tables, or without any average."""
    if current.basis == stats.FEE_TABLE or not any(p and p.stats.average_total_cost_pct_200 is not None
                                                   for _, p in quarters):
        return None
    series = [(_("Average at USD 200"), [p.stats.average_total_cost_pct_200 if p else None for _, p in quarters]),
              (_("SmaRT (3 cheapest)"), [p.stats.smart_pct if p else None for _, p in quarters]),
              (_("Cheapest service"), [p.stats.cheapest_pct_200 if p else None for _, p in quarters])]
    return _trend_chart(str(get_locale()), tuple(quarter(period) for period, _ in quarters),
                        tuple((name, tuple(values)) for name, values in series if any(v is not None for v in values)),
                        ((_("UN target: 3%"), stats_rules.SDG_TARGET, "target-3"),
                         (_("5%: far from the target"), stats_rules.SDG_CEILING, "target-5")))


def corridor(code: str):
    found = _corridor_of(code)
    with snapshot():
        history = stats.trend(found)
        providers = [p for p in catalog.provider_details() if found.code in p["corridors"]]
    current = history[-1]
    quarters = stats.with_gaps(history)
    by_type: dict[str, list] = {}
    for provider in providers:
        by_type.setdefault(provider["type"] or "", []).append(provider)
    # Types come from fee tables and RPW's workbooks; RPW's 2025 per-quote file gives none.
    return render_template("compare/corridor.html", corridor=found, current=current, quarters=quarters,
                           chart=_corridor_trend(current, quarters), by_type=sorted(by_type.items()))


def providers():
    return render_template("compare/providers.html", providers=catalog.provider_details())


def provider(slug: str):
    found = catalog.provider_details(slug)
    if not found:
        abort(404)
    return render_template("compare/provider.html", provider=found[0])
