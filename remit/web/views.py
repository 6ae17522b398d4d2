from flask import render_template

from ..services import catalog
from . import bp


@bp.get("/")
def index():
    return render_template(
        "web/index.html",
        corridors=catalog.corridor_summaries(),
        providers=catalog.provider_summaries(),
    )
