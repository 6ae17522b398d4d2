"""Providers with their products and coverage."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Page, abort

from ..services import catalog
from .blueprint import Blueprint
from .schemas import ProviderSchema

providers_bp = Blueprint("providers", __name__, url_prefix="/api/v1/providers",
                         description="Providers with their products and coverage.")


@providers_bp.route("")
class Providers(MethodView):
    @providers_bp.response(200, ProviderSchema(many=True))
    @providers_bp.paginate(Page)
    @providers_bp.doc(operationId="list_providers")
    def get(self):
        """Every active provider with its products and coverage"""
        return catalog.provider_details()


@providers_bp.route("/<string:slug>")
class ProviderDetail(MethodView):
    @providers_bp.response(200, ProviderSchema)
    @providers_bp.alt_response(404, description="No provider with this slug.")
    @providers_bp.doc(operationId="get_provider")
    def get(self, slug):
        """One provider with its products and coverage"""
        found = catalog.provider_details(slug)
        if not found:
            abort(404, message=f"No provider '{slug}'.")
        return found[0]
