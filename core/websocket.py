"""WebSocket handshake rules shared by every stream.

Browsers authenticate with the session cookie and always send an Origin,
which must be one of ours. App clients send the X-Session-Token they got from
the allauth headless login, as they do for REST; native apps send no Origin.
"""

from importlib import import_module

from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.conf import settings

SESSION_TOKEN_HEADER = b"x-session-token"


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return None


class OriginOrAppTokenValidator:
    """A foreign Origin is refused. No Origin is accepted only with an app session token."""

    def __init__(self, application):
        self.application = application
        self.origin_checked = AllowedHostsOriginValidator(application)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and _header(scope, b"origin") is None:
            if _header(scope, SESSION_TOKEN_HEADER):
                return await self.application(scope, receive, send)
            return await WebsocketDenier()(scope, receive, send)
        return await self.origin_checked(scope, receive, send)


@database_sync_to_async
def _user_for_token(token: str):
    """The token's user and session key, or None."""
    from allauth.headless.internal.sessionkit import authenticate_by_x_session_token

    found = authenticate_by_x_session_token(token)
    return (found[0], found[1].session_key) if found else None


class SessionTokenAuthMiddleware:
    """Put the user of an X-Session-Token header in scope["user"] and its session key in
    scope["session_key"] (after the cookie middleware, so a token wins over a missing
    or stale cookie; the key lets a logout of that session close the socket)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        token = _header(scope, SESSION_TOKEN_HEADER)
        if token:
            found = await _user_for_token(token.decode("latin1"))
            if found is not None:
                scope = dict(scope, user=found[0], session_key=found[1])
        return await self.application(scope, receive, send)


class SocketSessionMiddleware:
    """channels' SessionMiddleware for sockets: the cookie's session in scope["session"]
    (a SessionStore, loaded on first use), and `send` left alone. channels' own wraps every
    message a socket sends, to save the session before an HTTP response starts, which a
    socket never sends; on a busy board that wrapper was ≈ 6 % of a worker's CPU
    (benchmarks/README.md). Needs channels' CookieMiddleware above it."""

    def __init__(self, application):
        self.application = application
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        if "session" not in scope:
            key = scope["cookies"].get(settings.SESSION_COOKIE_NAME)
            scope = dict(scope, session=self.session_store(key))
        return await self.application(scope, receive, send)
