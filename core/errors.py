"""The portal's error shape: a stable code (never translated) and a message (always)."""

from django.utils.functional import Promise


class ServiceError(Exception):
    """A business rule said no. Mapped to `{"code", "detail"}` with `status`."""

    status = 400
    code = "invalid"
    # More fields for the response beside code and detail (e.g. the ids a 409 points to).
    extra: dict = {}  # never mutated: an instance sets its own

    def __init__(
        self, message: str | Promise, *, code: str | None = None, status: int | None = None
    ):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class NotAllowed(ServiceError):
    """The actor may not do this here (HTTP 403)."""

    status = 403
    code = "permission_denied"


class NotFound(ServiceError):
    """The thing does not exist, or the actor may not know that it does (HTTP 404)."""

    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The request is well-formed but clashes with the current state (HTTP 409)."""

    status = 409
    code = "conflict"
