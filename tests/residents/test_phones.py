import pytest
from django.core.exceptions import ValidationError

from residents.phones import mask_phone, normalize_phone


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "008613812345678",
        "8613812345678",
    ],
)
def test_what_people_type_becomes_one_e164_number(typed):
    assert normalize_phone(typed) == "+8613812345678"


@pytest.mark.parametrize(
    "typed", ["", "12345", "1381234567", "23812345678", "+86123", "abc", "+8612812345678"]
)
def test_numbers_that_are_not_mobile_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalize_phone(typed)


def test_a_mask_keeps_only_the_first_three_and_last_four_digits():
    assert mask_phone("+8613812345678") == "138****5678"
