"""Dates people can type are bounded: `9999-12-31` plus one day is past what Python's `date`
holds, and a filter on year 9999 finds nothing anyway."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2099, 12, 31)

# For a form field or a django-filter DateFilter: `forms.DateField(validators=DATE_BOUNDS)`.
DATE_BOUNDS = [
    MinValueValidator(DATE_MIN, message=_("Choose a date from 2000 on.")),
    MaxValueValidator(DATE_MAX, message=_("Choose a date before 2100.")),
]
