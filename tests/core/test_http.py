"""HTTP through the ASGI application (community.asgi): the middleware chain is built in
sync mode and run with the view in one crossing to the request's thread (core.http), and
a request answers exactly as through Django's own handler: headers, session, errors."""

import asyncio
import threading

import pytest
from channels.testing import HttpCommunicator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from community.asgi import django_asgi_app
from core.http import SyncChainASGIHandler
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _session_of(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


HOST = (b"host", b"testserver")


async def _get(path: str, headers=()) -> dict:
    communicator = HttpCommunicator(django_asgi_app, "GET", path, headers=[HOST, *headers])
    return await communicator.get_response(timeout=10)


def _header(response: dict, name: bytes) -> bytes | None:
    return {key.lower(): value for key, value in response["headers"]}.get(name)


async def test_the_middleware_chain_is_synchronous():
    handler = SyncChainASGIHandler()
    assert not asyncio.iscoroutinefunction(handler._middleware_chain)
    assert django_asgi_app.__class__ is SyncChainASGIHandler


async def test_middleware_and_view_run_in_one_thread_off_the_event_loop(monkeypatch):
    seen = []
    handler = SyncChainASGIHandler()
    inner = handler._middleware_chain

    def chain(request):
        seen.append(("chain", threading.get_ident()))
        return inner(request)

    monkeypatch.setattr(handler, "_middleware_chain", chain)
    loop_thread = threading.get_ident()
    communicator = HttpCommunicator(handler, "GET", "/healthz", headers=[HOST])
    response = await communicator.get_response(timeout=10)
    assert response["status"] == 200
    assert len(seen) == 1 and seen[0][1] != loop_thread


async def test_a_page_answers_with_the_middlewares_headers():
    response = await _get("/healthz")
    assert response["status"] == 200
    assert _header(response, b"permissions-policy")
    assert _header(response, b"x-frame-options") == b"DENY"


async def test_an_api_call_reads_the_session_and_the_user():
    from asgiref.sync import sync_to_async

    user = await sync_to_async(UserFactory)()
    key = await sync_to_async(_session_of)(user)
    response = await _get("/api/v1/me/", [(b"cookie", f"sessionid={key}".encode())])
    assert response["status"] == 200, response["body"][:300]
    assert str(user.pk).encode() in response["body"]
    anonymous = await _get("/api/v1/me/")
    assert anonymous["status"] in (401, 403)


async def test_an_unknown_path_is_a_404_not_a_500():
    response = await _get("/api/v1/no-such-thing/")
    assert response["status"] == 404
