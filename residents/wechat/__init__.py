"""WeChat one-tap login: allauth's weixin provider, its addresses taken from settings.

WeChat is outside our walls, so every address it is reached at comes from
SOCIALACCOUNT_PROVIDERS["weixin"] (tests point them at a stand-in server). The
login is off — no button, the login addresses answer 404 — unless an app is
configured (WECHAT_APP_ID and WECHAT_APP_SECRET). A first WeChat login is tied to a
phone number proved by SMS code (views.link_phone, views.link_code).
"""

from django.http import HttpRequest

PROVIDER_ID = "weixin"


def wechat_enabled(request: HttpRequest) -> bool:
    from allauth.socialaccount.adapter import get_adapter

    return bool(get_adapter(request).list_apps(request, provider=PROVIDER_ID))


def in_wechat(request: HttpRequest) -> bool:
    """WeChat's own browser names itself in the User-Agent."""
    return "MicroMessenger" in request.headers.get("User-Agent", "")
