"""The API's session authentication (core.api.SessionAuthentication) hands views the user
itself rather than Django's lazy wrapper, the same user, and leaves alone a user put in
its place (family help's acting middleware) and an anonymous visitor."""

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.functional import LazyObject
from rest_framework.response import Response
from rest_framework.views import APIView

from residents.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Echo(APIView):
    def get(self, request):
        return Response(
            {
                "id": request.user.pk,
                "lazy": isinstance(request.user, LazyObject),
                "plain": type(request.user) is User,
            }
        )


def _request(rf, client, user=None):
    if user is not None:
        client.force_login(user)
    request = rf.get("/echo/")
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    SessionMiddleware(lambda r: None).process_request(request)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    return request


def test_a_view_gets_the_signed_in_user_itself(rf, client):
    user = UserFactory()
    request = _request(rf, client, user)
    assert isinstance(request.user, LazyObject)
    response = Echo.as_view()(request)
    assert response.status_code == 200
    assert response.data == {"id": user.pk, "lazy": False, "plain": True}


def test_a_user_put_in_place_of_the_signed_in_one_is_kept(rf, client):
    agent, principal = UserFactory(), UserFactory()
    request = _request(rf, client, agent)
    request.user = User.objects.get(pk=principal.pk)  # what family help's middleware does
    assert Echo.as_view()(request).data["id"] == principal.pk


def test_nobody_signed_in_is_refused(rf, client):
    response = Echo.as_view()(_request(rf, client))
    assert response.status_code == 403
