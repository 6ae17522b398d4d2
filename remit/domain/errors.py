"""Refusals a client or a person can act on: what was asked cannot be done as asked, and why.

Rules raise these with a `Message` (remit.domain.messages) and, where a field is to blame, its name.
The one error map (remit/errors.py) answers them: under /api as JSON with the English `message`, the
message's stable code as `reason`, and `errors` naming the field; on pages in the page's language.
Nothing here knows about HTTP beyond the status it suggests.
"""
from __future__ import annotations

from .messages import Message


class RemitError(Exception):
    """Asked for something that cannot be done as asked. `status` 422 unless a subclass says otherwise."""

    status = 422

    def __init__(self, message: Message | str, *, field: str | None = None, errors: dict | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        # {"field": [message, …]} or nested as webargs writes them; by default the field's own message.
        self.errors = errors if errors is not None else ({field: [message]} if field else None)
        self.extra = extra or {}  # further members of the JSON answer (e.g. the corridors held)

    @property
    def reason(self) -> str | None:
        return getattr(self.message, "code", None)


class NotFound(RemitError):
    status = 404


class Conflict(RemitError):
    status = 409
