"""The project's URLs plus two baselines served by the same process and middleware.

/bench/bare/      a plain Django view: session + user lookup (through the same
                  middleware stack as every page), then a tiny JsonResponse.
/bench/bare-drf/  the same through a DRF APIView with the project's authentication
                  classes, permission and renderer: the fixed cost of any API call.
"""

from django.http import JsonResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView


def bare(request):
    user = request.user
    return JsonResponse({"ok": True, "user": user.pk if user.is_authenticated else None})


class BareApiView(APIView):
    def get(self, request):
        return Response({"ok": True, "user": request.user.pk})


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-drf/", BareApiView.as_view()),
    path("", include("community.urls")),
]
