"""WeChat login: the OAuth adapter (addresses from settings) and the first-login step
that ties a WeChat account to a phone proved by SMS code."""

import time
from functools import wraps

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import ratelimit
from allauth.core.exceptions import RateLimited
from allauth.core.internal.cryptokit import compare_user_code
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.weixin.client import WeixinOAuth2Client
from allauth.socialaccount.providers.weixin.views import WeixinOAuth2Adapter
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from residents.forms import SmsCodeForm, WechatPhoneForm
from residents.wechat import PROVIDER_ID, wechat_enabled
from residents.wechat.adapter import PENDING_KEY
from residents.wechat.services import account_for_verified_phone

LINK_KEY = "wechat_link"


class WechatOAuth2Client(WeixinOAuth2Client):
    def get_redirect_url(self, authorization_url, scope, extra_params):
        # WeChat's in-app authorisation page insists on this fragment.
        return super().get_redirect_url(authorization_url, scope, extra_params) + "#wechat_redirect"


class WechatOAuth2Adapter(WeixinOAuth2Adapter):
    client_class = WechatOAuth2Client
    access_token_method = "GET"  # nosec: as WeChat documents it

    def _setting(self, name: str) -> str:
        return settings.SOCIALACCOUNT_PROVIDERS[PROVIDER_ID][name]

    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return self._setting("ACCESS_TOKEN_URL")

    @property
    def profile_url(self) -> str:  # type: ignore[override]
        return self._setting("PROFILE_URL")

    @property
    def authorize_url(self) -> str:
        return self._setting("AUTHORIZE_URL")


def _only_when_enabled(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not wechat_enabled(request):
            raise Http404(_("WeChat login is not switched on here."))
        return view(request, *args, **kwargs)

    return wrapped


oauth2_login = _only_when_enabled(OAuth2LoginView.adapter_view(WechatOAuth2Adapter))
oauth2_callback = _only_when_enabled(OAuth2CallbackView.adapter_view(WechatOAuth2Adapter))


def _pending(request: HttpRequest) -> dict | None:
    data = request.session.get(PENDING_KEY)
    return data if isinstance(data, dict) else None


def link_phone(request: HttpRequest) -> HttpResponse:
    """First WeChat login, step 1: the phone number; a 6-digit code goes to it by SMS."""
    if not _pending(request):
        return redirect("account_login")
    form = WechatPhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if not ratelimit.consume(request, action="request_login_code", key=phone.lower()):
            form.add_error(None, get_account_adapter().error_messages["too_many_login_attempts"])
        else:
            _send_code(request, phone)
            return redirect("wechat_link_code")
    return render(request, "socialaccount/wechat_phone.html", {"form": form})


def _send_code(request: HttpRequest, phone: str) -> None:
    adapter = get_account_adapter()
    code = adapter.generate_phone_verification_code(user=None, phone=phone)
    adapter.send_verification_code_sms(None, phone, code)
    request.session[LINK_KEY] = {"phone": phone, "code": code, "at": time.time(), "misses": 0}


def link_code(request: HttpRequest) -> HttpResponse:
    """First WeChat login, step 2: the code. Right: the WeChat account is tied to the
    account with that phone (or a new one) and the person is logged in."""
    pending, link = _pending(request), request.session.get(LINK_KEY)
    if not pending or not isinstance(link, dict):
        return redirect("wechat_link_phone" if pending else "account_login")
    phone = link["phone"]
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:  # a resend spends the per-phone budget (residents.adapter)
            _send_code(request, phone)
        except RateLimited:
            messages.error(request, get_account_adapter().error_messages["too_many_login_attempts"])
        return redirect("wechat_link_code")
    form = SmsCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expired = time.time() - link["at"] > settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT
        right = compare_user_code(actual=form.cleaned_data["code"], expected=link["code"])
        if right and not expired:
            return _connect_and_log_in(request, pending, phone)
        link["misses"] += 1
        if expired or link["misses"] >= settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS:
            request.session.pop(LINK_KEY, None)
            messages.error(request, _("That code can no longer be used. Please ask for a new one."))
            return redirect("wechat_link_phone")
        request.session[LINK_KEY] = link
        form.add_error("code", get_account_adapter().error_messages["incorrect_code"])
    return render(request, "socialaccount/wechat_code.html", {"form": form, "phone": phone})


def _connect_and_log_in(request: HttpRequest, pending: dict, phone: str) -> HttpResponse:
    request.session.pop(LINK_KEY, None)
    request.session.pop(PENDING_KEY, None)
    user = account_for_verified_phone(phone=phone)
    sociallogin = SocialLogin.deserialize(pending)
    account = sociallogin.account
    if not SocialAccount.objects.filter(provider=account.provider, uid=account.uid).exists():
        sociallogin.connect(request, user)  # (else tied a moment ago, by a second tap)
    # The WeChat account is now known: allauth logs its owner in as on every later tap.
    return complete_social_login(request, SocialLogin.deserialize(pending))
