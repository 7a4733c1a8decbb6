from django.db import IntegrityError, transaction

from residents.adapter import default_display_name
from residents.models import User


def account_for_verified_phone(*, phone: str) -> User:
    """The account with this phone, marked verified (its owner just proved the number by
    SMS code), or a new one named neutrally, with no password."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(phone=phone).first()
        if user is None:
            try:
                with transaction.atomic():
                    return User.objects.create_user(
                        phone, display_name=default_display_name(phone), phone_verified=True
                    )
            except IntegrityError:  # created a moment ago by a second tap
                user = User.objects.select_for_update().get(phone=phone)
        if not user.phone_verified:
            user.phone_verified = True
            user.save(update_fields=["phone_verified"])
        return user
