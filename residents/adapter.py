"""django-allauth adapter: the phone number is the account."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context, ratelimit
from allauth.core.exceptions import RateLimited
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residents.forms import PhoneField
from residents.models import User
from residents.phones import national_number, normalize_phone
from residents.sms import sms_send


def default_display_name(phone: str) -> str:
    return _("Neighbour %(tail)s") % {"tail": national_number(phone)[-4:]}


class AccountAdapter(DefaultAccountAdapter):
    # What the sign-in pages say when something is wrong, in words anyone understands.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": gettext_lazy(
            "That code is not right. Please look at the text message and type the 6 digits again."
        ),
        "phone_password_mismatch": gettext_lazy(
            "The mobile number or the password is not right. "
            "You can also log in with a text message."
        ),
        "too_many_login_attempts": gettext_lazy(
            "Too many tries. For your safety, please wait a while and try again."
        ),
        "incorrect_password": gettext_lazy("That password is not right."),
        "account_inactive": gettext_lazy(
            "This account cannot be used at the moment. Please ask your grid worker."
        ),
        "phone_taken": gettext_lazy("This number already has an account. Please log in instead."),
        "same_as_current": gettext_lazy("That is the number you have now."),
        "rate_limited": gettext_lazy("Too many tries. Please wait a minute and try again."),
    }

    def phone_form_field(self, **kwargs):
        return PhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalize_phone(phone)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Count failed logins per phone number (allauth keys on email/username only,
        which would make every phone login share one counter)."""
        phone = credentials.get("phone") or ""
        return (
            f"phone:{phone}"
            if phone
            else super()._get_login_attempts_cache_key(request, **credentials)
        )

    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        user.phone = data["phone"]
        user.display_name = (data.get("display_name") or "").strip() or default_display_name(
            user.phone
        )
        return super().save_user(request, user, form, commit=commit)

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        request = context.request
        # "Send the code again" spends the same per-phone and per-address budget as
        # asking for a code: the daily cap of texts to one phone holds.
        resend = request is not None and request.POST.get("action") == "resend"
        if resend and not ratelimit.consume(
            request, action="request_login_code", key=phone.lower()
        ):
            raise RateLimited
        sms_send(
            phone=phone,
            message=_("[Linli] Your verification code is %(code)s, valid for 5 minutes.")
            % {"code": code},
        )

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        sms_send(
            phone=phone,
            message=_("[Linli] No account uses this number yet. Scan your grid's QR code to join."),
        )

    def send_account_already_exists_sms(self, phone: str) -> None:
        sms_send(
            phone=phone,
            message=_("[Linli] This number already has an account. Log in with an SMS code."),
        )

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: User):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user: User, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        user.phone_verified = True

    def get_user_by_phone(self, phone: str):
        return User.objects.filter(phone=phone).first()
