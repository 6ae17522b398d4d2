"""Every API response the suite receives is checked against the OpenAPI document (openapi-core).

The app's test client is replaced by one that validates each response to a documented operation:
status, headers, content type and body. Requests to what the document does not describe (a method a
path does not take, an unknown path, the document itself) are left alone; so is the request, since
many tests send bad ones on purpose.
"""
from __future__ import annotations

from functools import lru_cache

from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

UNDOCUMENTED = ("/api/v1/openapi.json", "/api/v1/docs")


@lru_cache(maxsize=1)
def document(text: str) -> OpenAPI:
    import json

    return OpenAPI.from_dict(json.loads(text))


class SentRequest(WerkzeugOpenAPIRequest):
    """The request as openapi-core needs it to find the operation; its body is not read again (the
    request is over, and only the response is checked)."""

    @property
    def body(self) -> bytes:
        return b""


class ValidatingClient(FlaskClient):
    """A test client that fails the test when an API response does not match the document."""

    checked = 0  # responses validated in this run (the suite asserts it is not zero)

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = getattr(response, "request", None)
        if request is None or not request.path.startswith("/api/v1/") or request.path.startswith(UNDOCUMENTED):
            return response
        if request.method in ("OPTIONS", "HEAD"):
            return response
        validate(self.application, request, response)
        return response


def spec_text(app) -> str:
    """The document as the app serves it, read once per app."""
    text = app.extensions.get("remit.openapi_text")
    if text is None:
        import json

        from remit.extensions import api

        with app.test_request_context():
            text = app.extensions["remit.openapi_text"] = json.dumps(api.spec.to_dict(), sort_keys=True)
    return text


def validate(app, request, response) -> None:
    openapi = document(spec_text(app))
    try:
        openapi.validate_response(SentRequest(request), WerkzeugOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        return
    except Exception as exc:  # noqa: BLE001 — reported with the response that failed
        raise AssertionError(
            f"{request.method} {request.full_path} answered {response.status_code} not as documented: "
            f"{exc!r}: {getattr(exc, '__cause__', None)!r}\n{response.get_data(as_text=True)[:2000]}") from exc
    ValidatingClient.checked += 1
