"""django-allauth adapter: the phone number is the account."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext as _

from residents.forms import PhoneField
from residents.models import User
from residents.phones import national_number, normalize_phone
from residents.sms import sms_send


def default_display_name(phone: str) -> str:
    return _("Neighbour %(tail)s") % {"tail": national_number(phone)[-4:]}


class AccountAdapter(DefaultAccountAdapter):
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
