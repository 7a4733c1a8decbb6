from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.throttles import throttle_page
from residents.context_processors import LARGE_TEXT_COOKIE
from residents.selectors import notifications_for
from residents.services import notifications_mark_read


@require_POST
@throttle_page("write")
def large_text_toggle(request):
    """Switch large-text mode for this device (elderly residents); back to where they were."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    on = request.COOKIES.get(LARGE_TEXT_COOKIE) != "1"
    response.set_cookie(
        LARGE_TEXT_COOKIE,
        "1" if on else "0",
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@login_required
def notifications(request):
    """My notifications, newest first; opening the page marks them read."""
    rows = list(notifications_for(request.user)[:100])
    if rows:
        notifications_mark_read(user=request.user, up_to=rows[0].seq)
    return render(request, "residents/notifications.html", {"notifications": rows})
