"""Pages get the text rule of core/text.py in one place, whatever a view reads.

Some page views read `request.POST` directly (a post edit, a moderation reason, a claim
message); a NUL there used to reach PostgreSQL and end in a 500. This middleware refuses any
posted form whose text holds control characters before the view runs: the person is sent back
to the page they came from with a message saying what to fix (a 400 with the message when
there is no such page). The API has the same rule in its parsers (core/parsers.py).
"""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from core.text import CONTROL_MESSAGE, first_bad_text


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The API and Open311 refuse it themselves, in their own error shapes.
        if request.method != "POST" or request.path.startswith(("/api/", "/open311/")):
            return None
        if request.content_type not in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return None
        posted = {key: request.POST.getlist(key) for key in request.POST}
        if not first_bad_text(posted):
            return None
        referer = request.headers.get("referer", "")
        if not referer or not hasattr(request, "_messages"):
            return HttpResponseBadRequest(str(CONTROL_MESSAGE))
        if not url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
            return HttpResponseBadRequest(str(CONTROL_MESSAGE))
        messages.error(request, str(CONTROL_MESSAGE))
        return redirect(referer)
