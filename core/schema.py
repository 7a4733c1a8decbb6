"""The schema class of the API (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]); apart from core/api.py,
which DRF imports while it loads its generics (drf-spectacular's AutoSchema imports them too)."""

import drf_spectacular.authentication
from drf_spectacular.openapi import AutoSchema

from core.api import DEFAULT_ERRORS


class ApiSchema(AutoSchema):
    """Every operation documents the error answers any request may get, with their shape."""

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for code, response in DEFAULT_ERRORS.items():
            if str(code) not in bodies:
                bodies[str(code)] = self._get_response_for_code(
                    response, str(code), direction=direction
                )
        return bodies


class SessionScheme(drf_spectacular.authentication.SessionScheme):
    """The cookie session, as drf-spectacular documents DRF's own (core.api's subclass)."""

    target_class = "core.api.SessionAuthentication"
