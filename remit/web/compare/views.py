"""Staff pages: compare, corridor statistics, providers (the group transfer is in web/group)."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import abort, current_app, render_template, request, session, url_for
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
from ...services.reference import corridor_ref
from ...services.snapshot import snapshot
from ...services.versions import VersionedCache, data_version
from .. import charts
from ..format import country_name, name_order, product_text, region_name
from ..forms import corridor_of
from ..forms import choices, country_choices, read_amount
from .forms import CompareForm, CorridorListForm


def _compare_choices(form, *, start: bool = False, version: str | None = None) -> list:
    """The compare form's choices, sending country first: every sending country remit holds corridors
    from; the receiving countries held from the chosen one (every receiving country until one is
    chosen), in the page's language and sorted by it; the currencies of those corridors; the regions of
    the chosen receiving country only. `start`: a blank form, which starts from the centre's own
    sending country (REMIT_DEFAULT_SEND_COUNTRY) when remit holds corridors from it. The corridors."""
    corridors = catalog.corridor_summaries()
    senders = {c.send_country for c in corridors}
    default = current_app.config.get("REMIT_DEFAULT_SEND_COUNTRY")
    if start and default in senders:
        form.send.data = default
    send = form.send.data if form.send.data in senders else None
    locale = str(get_locale())
    lists = _choice_lists.get((locale, send, version or data_version(dt.date.today())),
                              lambda: _choices_from(corridors, send))
    form.send.choices, form.receive.choices, form.currency.choices = (list(found) for found in lists)
    receive = form.receive.data if form.receive.data in {c.value for c in lists[1]} else None
    form.region.choices = list(_regions(locale, receive))
    return corridors


# The form's lists per language, sending country and data version: some 150 country names looked up,
# translated and sorted by the language's collation cost a millisecond on every compare page.
_choice_lists = VersionedCache(size=512)


def _choices_from(corridors, send: str | None) -> tuple[tuple[SelectChoice, ...], ...]:
    held = [c for c in corridors if c.send_country == send] if send else corridors
    currencies = sorted({c.send_currency for c in held} | {c.receive_currency for c in held})
    return (tuple(choices([("", _("Choose…"))] + country_choices({c.send_country for c in corridors}))),
            tuple(choices([("", _("Choose…"))] + country_choices({c.receive_country for c in held}))),
            tuple(choices([("", _("The sending country's"))] + [(c, c) for c in currencies])))


@lru_cache(maxsize=512)  # some 100 receiving countries in three languages
def _regions(_locale: str, country: str | None) -> tuple[SelectChoice, ...]:
    """The regions of the receiving country, in the page's language (the locale is part of the cache
    key); their names are ISO's (translated where ISO has a translation). None: no region to choose."""
    regions = [SelectChoice("", _("Anywhere"))]
    if country is not None:
        for code, (name, _kind) in sorted(codes.subdivisions(country).items(), key=lambda item: item[1][0]):
            regions.append(SelectChoice(code, region_name(name)))
    return tuple(regions)


@lru_cache(maxsize=128)
def _trend_chart(_locale: str, labels: tuple, series: tuple, targets: tuple, years: tuple,
                 covered: tuple = ()) -> str:
    """A corridor's trend chart, drawn once for the same figures, words and language (the axis writes
    numbers as the language does; pygal takes some 15 ms)."""
    return charts.trend(list(labels), [(name, list(values)) for name, values in series], list(targets),
                        list(years), covered=set(covered))


def index():
    # "Change this comparison" comes back with the query, and so does a "Choose" button (the form sent
    # here rather than to the results): the form shows what was asked, with the receiving countries of
    # the sending country chosen and the regions of the receiving one.
    asked = bool(set(request.args) - {"lang"})  # the page's language alone asks nothing
    form = CompareForm(formdata=request.args if asked else None)
    corridors = _compare_choices(form, start=not asked)
    return render_template("compare/index.html", form=form, corridors=corridors,
                           chosen=request.args.get("choose"))


def _region_problem(form) -> None:
    """A region of another country than the one chosen (the receiving country changed since the region
    was picked) is refused, and the form offers the regions of the one chosen."""
    if form.region.data and form.region.data not in {c.value for c in form.region.choices}:
        form.region.errors.append(_("This region is not in %(country)s: choose one of its regions, or Anywhere.",
                                    country=country_name(form.receive.data)))


def compare():
    form = CompareForm(formdata=request.args)
    version = data_version(dt.date.today())
    corridors = _compare_choices(form, version=version)
    corridor = amount = None
    if form.validate():
        try:
            corridor = corridor_ref(codes.country(form.send.data), codes.country(form.receive.data), version)
        except codes.CodeError:
            corridor = None
        _region_problem(form)
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
                           region_label=next((f"{c.label} ({country_name(corridor.receive_country)})"
                                              for c in form.region.choices
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
    chart = charts.cost_bars(rows, number=number)
    return chart, "all" if marked == len(infos) else "some" if marked else ""


CORRIDORS_PER_PAGE = 50


# The list's pages as drawn, per question, language, reader (the header differs for staff) and data
# version: 50 rows of figures and caveats take longer to draw than everything else the page does.
_corridor_pages = VersionedCache(size=256, budget=16 * 2**20, weigh=lambda page: len(page[0]))


def corridors():
    """Every corridor held, with its latest average, SmaRT, UN target and data date; filtered and
    sorted by a GET form (no script), 50 a page. Each page drawn once per data version."""
    today = dt.date.today()
    key = (str(get_locale()), session.get("_user_id"), tuple(request.args.items(multi=True)),
           data_version(today), freshness())
    return _corridor_pages.get(key, _corridors_page)


def _corridors_page() -> tuple[str, int]:
    form = CorridorListForm(formdata=request.args or None)
    lines = stats.corridor_lines()
    total = len(lines)
    form.send.choices = choices([("", _("Any country"))] + country_choices({l.summary.send_country for l in lines}))
    form.receive.choices = choices([("", _("Any country"))]
                                   + country_choices({l.summary.receive_country for l in lines}))
    if request.args and not form.validate():
        return render_template("compare/corridors.html", form=form, lines=[], total=total, page=1, pages=1), 422
    return _corridors_found(form, total), 200


def _corridors_found(form, total: int) -> str:
    found, total = stats.corridor_list(send=form.send.data or None, receive=form.receive.data or None,
                                       status=form.status.data or None, sort=form.sort.data or "country",
                                       name=country_name, order=name_order, search=form.q.data or None)
    pages = max(1, -(-len(found) // CORRIDORS_PER_PAGE))
    page = page_number(request.args.get("page"), pages)
    if page is None:
        abort(404)
    shown = found[(page - 1) * CORRIDORS_PER_PAGE: page * CORRIDORS_PER_PAGE]
    return render_template("compare/corridors.html", form=form, lines=shown, matching=len(found), total=total,
                           page=page, pages=pages, sort=form.sort.data or "country", freshness=freshness())


def _corridor_trend(current, quarters) -> str | None:
    """The chart of the corridor's averages quarter by quarter against the UN targets; None for a corridor
    known only from fee tables, or without any average. The quarter after a half-yearly survey's has no
    point of its own and no break: the line goes on from the half-year's figure to the next."""
    if current.basis == stats.FEE_TABLE or not any(q.figure and q.figure.stats.average_total_cost_pct_200 is not None
                                                   for q in quarters):
        return None

    def values(figure_of) -> tuple:
        return tuple(figure_of(q.figure.stats) if q.figure else None for q in quarters)

    series = [(_("Average at USD 200"), values(lambda s: s.average_total_cost_pct_200)),
              (_("SmaRT (3 cheapest)"), values(lambda s: s.smart_pct)),
              (_("Cheapest service"), values(lambda s: s.cheapest_pct_200))]
    return _trend_chart(str(get_locale()), tuple(quarter(q.period) for q in quarters),
                        tuple((name, vs) for name, vs in series if any(v is not None for v in vs)),
                        ((_("UN target: 3%"), stats_rules.SDG_TARGET, "target-3"),
                         (_("5%: far from the target"), stats_rules.SDG_CEILING, "target-5")),
                        tuple(q.period[:4] for q in quarters),
                        tuple(i for i, q in enumerate(quarters, start=1) if q.half_year_second))


# Corridor pages as drawn, per corridor, language, query, reader (signed in or not: the header differs)
# and data version: fifteen years of figures and caveats, in three languages, take longer to say than
# anything else the page does, and change only with the data.
_corridor_views = VersionedCache(size=1024, budget=16 * 2**20, weigh=len)


def corridor(code: str):
    found = corridor_of(code)
    today = dt.date.today()
    organisation = current_app.config.get("REMIT_ORGANISATION", "remit")
    key = (found.id, str(get_locale()), bool(session.get("_user_id")), tuple(request.args.items(multi=True)),
           data_version(today), freshness(), organisation)
    return _corridor_views.get(key, lambda: _corridor_page(found, organisation))


def _corridor_page(found, organisation: str) -> str:
    with snapshot():
        history = stats.trend(found)
        providers = catalog.corridor_providers(found.id)
        rounds = stats.observed_rounds(found, organisation, int(current_app.config.get("REMIT_RATE_MAX_AGE_DAYS", 14)))
    current = history[-1]
    quarters = stats.with_gaps(history)
    by_type: dict[str, list] = {}
    for provider in providers:
        by_type.setdefault(provider["type"] or "", []).append(provider)
    # Types come from fee tables and RPW's workbooks; RPW's 2025 per-quote file gives none.
    return render_template("compare/corridor.html", corridor=found, current=current, quarters=quarters,
                           chart=_corridor_trend(current, quarters), by_type=sorted(by_type.items()),
                           rounds=list(reversed(rounds)), organisation=organisation)


PROVIDERS_PER_PAGE = 100
SERVICES_PER_PAGE = 50


def _page_of(items: list, per_page: int) -> tuple[list, int, int]:
    """The items of the page the query asks for (`page`, the first by default), the page and the number
    of pages; a page beyond the last is not found."""
    pages = max(1, -(-len(items) // per_page))
    page = page_number(request.args.get("page"), pages)
    if page is None:
        abort(404)
    return items[(page - 1) * per_page: page * per_page], page, pages


def providers():
    """Every active provider, 100 a page (RPW's survey names some 400)."""
    every = catalog.provider_details()
    shown, page, pages = _page_of(every, PROVIDERS_PER_PAGE)
    return render_template("compare/providers.html", providers=shown, every=every, page=page, pages=pages)


def provider(slug: str):
    """A provider and its services, 50 a page (the survey holds some 2,000 of the largest one's)."""
    found = catalog.provider_details(slug)
    if not found:
        abort(404)
    products, page, pages = _page_of(found[0]["products"], SERVICES_PER_PAGE)
    return render_template("compare/provider.html", provider=found[0], products=products, page=page, pages=pages)
