from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import redirect

PENDING_KEY = "wechat_pending_login"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A WeChat account seen for the first time is tied to a phone proved by SMS code.

    Instead of allauth's social sign-up form (which would ask for more than a phone),
    the pending login waits in the session while the person enters their number and
    the code; views.link_code then connects it to the account with that number, or a
    new one.
    """

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.is_existing or sociallogin.state.get("process") == AuthProcess.CONNECT:
            return
        if sociallogin.is_headless:
            # App clients have no phone step: a WeChat account not yet tied to a phone is
            # refused there (social sign-up is closed), and gets tied on the web first.
            return
        request.session[PENDING_KEY] = sociallogin.serialize()
        request.session.pop("wechat_link", None)
        raise ImmediateHttpResponse(redirect("wechat_link_phone"))

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False
